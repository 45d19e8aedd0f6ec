"""The mail channel's tables: mailboxes, every message fetched, every reply sent, blocked senders.

- `Mailbox`: one IMAP + SMTP account of a workspace, with its credentials
  encrypted (R34) and its fetch position (UIDVALIDITY + last UID).
- `InboundEmail`: one row per message fetched, written *before* processing
  (R26) with the raw bytes in `core.storage`; its `status` and `decision` are
  the ingest record admins read ("In-Reply-To matched #1042", "skipped: auto-reply").
- `OutboundEmail`: one row per agent reply to send: delivery state, attempts,
  the server's words, and whether the copy reached the Sent folder (R24).
- `BlockedSender`: addresses or @domains whose mail is stored but never processed.
"""
from peewee import BigIntegerField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.accounts.models import User
from helpdesk.core.crypto import register_encrypted
from helpdesk.core.storage import register_storage_keys
from helpdesk.tickets.models import Message, Ticket
from helpdesk.workspaces.models import TenantModel


class AuthMethod:
    PASSWORD, GOOGLE, MICROSOFT = "password", "google", "microsoft"
    OAUTH = (GOOGLE, MICROSOFT)
    LABELS = {PASSWORD: "Password", GOOGLE: "Google", MICROSOFT: "Microsoft"}


class Security:
    """How a connection is protected: TLS from the first byte, STARTTLS, or nothing."""

    SSL, STARTTLS, NONE = "ssl", "starttls", "none"
    ALL = (SSL, STARTTLS, NONE)
    LABELS = {SSL: "SSL/TLS", STARTTLS: "STARTTLS", NONE: "None (unencrypted)"}


class Mailbox(TenantModel):
    """A support address of a workspace, fetched by IMAP and answered through its SMTP."""

    address = CharField(max_length=254)  # lower-cased
    display_name = CharField(max_length=120, default="")
    auth_method = CharField(max_length=16, default=AuthMethod.PASSWORD)
    is_default = BooleanField(default=False)

    imap_host = CharField(max_length=255)
    imap_port = IntegerField(default=993)
    imap_security = CharField(max_length=16, default=Security.SSL)
    imap_username = CharField(max_length=254, default="")
    imap_password = TextField(null=True)  # encrypted (core.crypto)
    imap_folder = CharField(max_length=255, default="INBOX")
    sent_folder = CharField(max_length=255, default="")  # empty: the server's \Sent folder, else "Sent"

    smtp_host = CharField(max_length=255)
    smtp_port = IntegerField(default=587)
    smtp_security = CharField(max_length=16, default=Security.STARTTLS)
    smtp_username = CharField(max_length=254, default="")
    smtp_password = TextField(null=True)  # encrypted

    oauth_access_token = TextField(null=True)  # encrypted
    oauth_refresh_token = TextField(null=True)  # encrypted
    oauth_expires_at = DateTimeField(null=True)

    # Fetch position and health.
    uidvalidity = BigIntegerField(null=True)
    last_uid = BigIntegerField(default=0)
    next_fetch_at = DateTimeField(null=True)
    fetch_lease_until = DateTimeField(null=True)  # a fetch is running (or died) until then
    fetch_lease_holder = CharField(max_length=255, null=True)  # "host:pid" of that fetch
    last_fetch_at = DateTimeField(null=True)
    last_fetch_error = TextField(null=True)
    consecutive_failures = IntegerField(default=0)

    class Meta:
        indexes = (
            (("workspace", "address"), True),
            (("next_fetch_at",), False),
        )

    @property
    def uses_oauth(self):
        return self.auth_method in AuthMethod.OAUTH

    @property
    def label(self):
        return f"{self.display_name} <{self.address}>" if self.display_name else self.address


register_encrypted(Mailbox, "imap_password", "smtp_password", "oauth_access_token", "oauth_refresh_token")


class InboundStatus:
    """Processing states of a fetched message; `TRANSITIONS` lists where each may go."""

    PENDING, PROCESSED, SKIPPED, FAILED = "pending", "processed", "skipped", "failed"
    ALL = (PENDING, PROCESSED, SKIPPED, FAILED)
    LABELS = {PENDING: "Waiting", PROCESSED: "Processed", SKIPPED: "Skipped", FAILED: "Failed"}
    TRANSITIONS = {
        PENDING: {PROCESSED, SKIPPED, FAILED},
        FAILED: {PENDING},   # an admin's "retry"
        SKIPPED: {PENDING},  # an admin's "process anyway"
        PROCESSED: set(),
    }


# Decisions whose skip an admin cannot override: processing a copy again, or mail without a sender, changes nothing.
DUPLICATE_DECISION = "skipped: duplicate"
NO_SENDER_DECISION = "skipped: no sender address"
# A message whose row the database refused: kept (raw bytes and a bare row) for an admin to retry.
STORE_FAILED_DECISION = "could not be stored"


class InboundEmail(TenantModel):
    """One fetched message: stored first (raw bytes in storage), then processed (R26).

    Known by mailbox + UIDVALIDITY + UID (unique), and across the workspace's
    mailboxes by `fingerprint` (Message-ID + a hash of what the sender wrote):
    the first copy processed owns the fingerprint, later copies are duplicates.
    """

    mailbox = ForeignKeyField(Mailbox, null=True, on_delete="SET NULL")
    uidvalidity = BigIntegerField(null=True)
    uid = BigIntegerField(null=True)
    raw_key = CharField(max_length=255, index=True)  # indexed for the orphan sweep
    size = IntegerField(default=0)
    email_message_id = CharField(max_length=998, null=True)  # the Message-ID header, <...>
    fingerprint = CharField(max_length=64)
    owns_fingerprint = CharField(max_length=64, null=True)  # set on the one copy processed
    from_address = CharField(max_length=254, default="")
    subject = CharField(max_length=300, default="")
    status = CharField(max_length=16, default=InboundStatus.PENDING)
    decision = CharField(max_length=300, default="")  # the ingest record, in plain words
    error = TextField(null=True)
    attempts = IntegerField(default=0)
    ticket = ForeignKeyField(Ticket, null=True, on_delete="SET NULL")
    message = ForeignKeyField(Message, null=True, on_delete="SET NULL")
    processed_at = DateTimeField(null=True)
    notified_at = DateTimeField(null=True)  # when the assignee was emailed about it
    force = BooleanField(default=False)  # an admin asked to process it despite a skip rule

    class Meta:
        indexes = (
            (("mailbox", "uidvalidity", "uid"), True),
            (("workspace", "owns_fingerprint"), True),
            (("workspace", "status", "id"), False),
            (("workspace", "id"), False),
            (("mailbox", "status", "id"), False),
            (("status", "id"), False),
            (("ticket", "id"), False),
        )

    @property
    def may_process_again(self):
        """What the log offers a button for: a failed message, or one skipped by a rule an admin may override."""
        overridable = not self.decision.startswith((DUPLICATE_DECISION, NO_SENDER_DECISION))
        return self.status == InboundStatus.FAILED or (self.status == InboundStatus.SKIPPED and overridable)


register_storage_keys(InboundEmail, "raw_key")


class OutboundStatus:
    QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"


class OutboundEmail(TenantModel):
    """The delivery of one agent reply: through which mailbox, how it went, the Sent copy."""

    message = ForeignKeyField(Message, on_delete="CASCADE", unique=True)
    mailbox = ForeignKeyField(Mailbox, null=True, on_delete="SET NULL")
    status = CharField(max_length=16, default=OutboundStatus.QUEUED)
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    next_attempt_at = DateTimeField(null=True)
    lease_until = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    raw_key = CharField(max_length=255, null=True)  # the bytes sent, for the Sent folder copy
    sent_copy_status = CharField(max_length=16, null=True)  # None, "pending", "done", "failed"
    sent_copy_error = TextField(null=True)

    class Meta:
        indexes = (
            (("status", "next_attempt_at"), False),
            (("workspace", "status", "sent_at"), False),
            (("sent_copy_status",), False),
        )


register_storage_keys(OutboundEmail, "raw_key")


class BlockedSender(TenantModel):
    """An address (ann@spam.example) or a domain (@spam.example) whose mail is never processed."""

    pattern = CharField(max_length=254)

    class Meta:
        indexes = ((("workspace", "pattern"), True),)


class Signature(TenantModel):
    """Text added under replies: an agent's own (`user`) or a mailbox's (`mailbox`), see `mail.signatures`."""

    user = ForeignKeyField(User, null=True, on_delete="CASCADE")
    mailbox = ForeignKeyField(Mailbox, null=True, on_delete="CASCADE")
    body = TextField(default="")

    class Meta:
        indexes = ((("workspace", "user", "mailbox"), False),)


MODELS = [Mailbox, InboundEmail, OutboundEmail, BlockedSender, Signature]
