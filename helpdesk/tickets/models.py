"""Tickets and their conversations: messages, attachments, tags, events, canned replies.

The inbox reads tickets by equality on (workspace, status[, assignee]) and orders
by id (creation order) or by last customer activity, so every list is an index
range scan that stops after one page, however many tickets there are.
"""
import json
import re
import unicodedata

from peewee import BigIntegerField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.core.storage import register_storage_keys
from helpdesk.customers.models import Customer
from helpdesk.workspaces.models import TenantModel


class Status:
    """Ticket states; `TRANSITIONS` lists where each may go (one place).

    One more move: undoing a bulk close (`services.undo_close`) returns to the status before it.
    """

    OPEN, PENDING, SOLVED, CLOSED = "open", "pending", "solved", "closed"
    ALL = (OPEN, PENDING, SOLVED, CLOSED)
    LABELS = {OPEN: "Open", PENDING: "Pending", SOLVED: "Solved", CLOSED: "Closed"}
    TRANSITIONS = {
        OPEN: {PENDING, SOLVED, CLOSED},
        PENDING: {OPEN, SOLVED, CLOSED},
        SOLVED: {OPEN, PENDING, CLOSED},
        CLOSED: {OPEN},  # an agent may reopen; a customer reply to a closed ticket opens a new one
    }


class Priority:
    LOW, NORMAL, HIGH, URGENT = "low", "normal", "high", "urgent"
    ALL = (LOW, NORMAL, HIGH, URGENT)
    LABELS = {LOW: "Low", NORMAL: "Normal", HIGH: "High", URGENT: "Urgent"}


class Channel:
    EMAIL, WEB, MANUAL = "email", "web", "manual"
    LABELS = {EMAIL: "Email", WEB: "Web form", MANUAL: "Phone / manual"}


class Ticket(TenantModel):
    """One customer request and its conversation. `number` counts per workspace (#1042)."""

    number = IntegerField()
    subject = CharField(max_length=300)
    status = CharField(max_length=16, default=Status.OPEN)
    priority = CharField(max_length=16, default=Priority.NORMAL)
    channel = CharField(max_length=16, default=Channel.MANUAL)
    customer = ForeignKeyField(Customer, backref="tickets", on_delete="CASCADE")
    assignee = ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=utcnow)
    last_customer_activity_at = DateTimeField(default=utcnow)
    first_response_at = DateTimeField(null=True)
    solved_at = DateTimeField(null=True)
    message_count = IntegerField(default=0)
    preview = CharField(max_length=200, default="")  # start of the latest message, for the inbox
    # Set when merged into another ticket (`tickets.merging`): this one is closed and its page redirects there.
    merged_into = ForeignKeyField("self", null=True, on_delete="SET NULL")
    # Snooze (tickets/snooze.py): hidden from the inbox until `snoozed_until`; `woke_at` marks its return.
    snoozed_until = DateTimeField(null=True)
    snoozed_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    woke_at = DateTimeField(null=True)
    # The mailbox a mailed ticket came in through: a plain id, since the mail domain imports this one.
    mailbox_id = IntegerField(null=True)

    class Meta:
        indexes = (
            (("workspace", "number"), True),
            (("workspace", "status", "id"), False),
            (("workspace", "status", "last_customer_activity_at", "id"), False),
            (("workspace", "assignee", "status", "id"), False),
            (("workspace", "assignee", "status", "last_customer_activity_at", "id"), False),
            (("customer", "id"), False),
            (("workspace", "snoozed_until"), False),
            (("snoozed_until",), False),  # the wake-up job's due tickets across workspaces
        )

    @property
    def back_from_snooze(self):
        """True while nothing happened to the ticket since its snooze ended (the inbox says so)."""
        return self.woke_at is not None and self.woke_at >= self.updated_at


# The inbox's counts of awake tickets (Unassigned, Mine, All open, Pending) read only this index (migrations 0069,
# 0071: SQLite reads the ticket's row for `snoozed_until IS NULL` unless the index holds the column).
Ticket.add_index(Ticket.workspace, Ticket.status, Ticket.assignee, Ticket.id, Ticket.snoozed_until,
                 where=Ticket.snoozed_until.is_null(),
                 name="ticket_awake_workspace_id_status_assignee_id_id_snoozed_until")


class Message(TenantModel):
    """A customer message, an agent reply (sent by email) or an internal note."""

    CUSTOMER, REPLY, NOTE = "customer", "reply", "note"
    QUEUED, SENT, FAILED = "queued", "sent", "failed"

    ticket = ForeignKeyField(Ticket, backref="messages", on_delete="CASCADE")
    kind = CharField(max_length=16)
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")
    customer = ForeignKeyField(Customer, null=True, on_delete="SET NULL")
    body_text = TextField(default="")
    body_html = TextField(null=True)  # sanitized
    email_message_id = CharField(max_length=998, null=True)
    delivery_status = CharField(max_length=16, null=True)
    delivery_error = TextField(null=True)
    cc = TextField(null=True)  # a reply's copies (comma-separated addresses); the next reply starts with them
    bcc = TextField(null=True)

    class Meta:
        indexes = (
            (("ticket", "id"), False),
            (("workspace", "email_message_id"), False),
        )


# Control characters (Cc), format characters such as bidi overrides and zero-width marks (Cf), lone
# surrogates (Cs) and line/paragraph separators (Zl, Zp): with them a name can show as another name
# ("invoice\u202egnp.exe" reads "invoiceexe.png").
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def clean_filename(name):
    """An attachment name as shown and downloaded: no folders, no invisible or direction-changing characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in _HIDDEN_CATEGORIES)
    return " ".join(name.split())[:255] or "attachment"


class Attachment(TenantModel):
    """A file on a message, kept in `core.storage` under `storage_key`."""

    message = ForeignKeyField(Message, backref="attachments", null=True, on_delete="CASCADE")
    filename = CharField(max_length=255)
    content_type = CharField(max_length=255)
    size = BigIntegerField()
    storage_key = CharField(max_length=255, index=True)  # indexed for the orphan sweep
    content_id = CharField(max_length=255, null=True)  # for inline cid: images

    class Meta:
        indexes = ((("message", "id"), False),)

    @property
    def shown_name(self):
        """The name to show and to download as (rows stored before names were cleaned hold it raw)."""
        return clean_filename(self.filename)


register_storage_keys(Attachment, "storage_key")


class Tag(TenantModel):
    name = CharField(max_length=64)

    class Meta:
        indexes = ((("workspace", "name"), True),)


class TicketTag(TenantModel):
    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    tag = ForeignKeyField(Tag, on_delete="CASCADE")

    class Meta:
        indexes = (
            (("ticket", "tag"), True),
            (("tag", "ticket"), False),
        )


class TicketEvent(TenantModel):
    """One change to a ticket (status, priority, assignee, tags, merge): its history."""

    ticket = ForeignKeyField(Ticket, backref="events", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    kind = CharField(max_length=32)
    data = TextField(default="{}")

    # Why a status changed or a snooze ended, in words.
    REASONS = {"customer replied": "the customer replied", "undo": "undone", "time": "its time came",
               "woken by hand": "woken by hand"}

    class Meta:
        indexes = ((("ticket", "id"), False),)

    @property
    def details(self):
        return json.loads(self.data)


class CannedReply(TenantModel):
    """A saved answer with placeholders such as {{customer.name}} and {{ticket.number}}."""

    title = CharField(max_length=120)
    body = TextField()


class TicketViewer(TenantModel):
    """Who has a ticket open right now, and whether they are typing a reply (collision notice)."""

    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    replying = IntegerField(default=0)
    seen_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("ticket", "user"), True),)


class SavedView(TenantModel):
    """A named inbox filter (`tickets.filters.Filters` as JSON), the owner's own or shared with the team."""

    name = CharField(max_length=80)
    owner = ForeignKeyField(User, on_delete="CASCADE")
    shared = BooleanField(default=False)
    filters = TextField(default="{}")

    class Meta:
        indexes = ((("workspace", "owner"), False),)


MODELS = [Ticket, Message, Attachment, Tag, TicketTag, TicketEvent, CannedReply, TicketViewer, SavedView]
