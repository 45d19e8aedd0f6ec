"""Mailbox rules: add, change, connect by OAuth, test, remove (R22, R25, R34); mail settings; the ingest log.

Functions take the workspace, the acting member and `now` explicitly. Secrets
are encrypted on the way in (`core.crypto`) and never come back out to a page:
forms leave password fields empty, and an empty field keeps the stored value.
"""
import smtplib
import socket
import ssl
from datetime import timedelta

from flask import current_app
from peewee import JOIN, IntegrityError, fn

from helpdesk.accounts.services import normalize_email
from helpdesk.core import audit, crypto
from helpdesk.core.selects import PreparedSelect
from helpdesk.extensions import db
from helpdesk.mail import oauth
from helpdesk.mail.imap import ImapClient, MailConnectionError, Problem, describe_error, xoauth2_string
from helpdesk.mail.ingest import process_inbound
from helpdesk.mail.models import (
    DUPLICATE_DECISION,
    AuthMethod,
    BlockedSender,
    InboundEmail,
    InboundStatus,
    Mailbox,
    Security,
)
from helpdesk.tickets.models import Ticket

LOG_PAGE_SIZE = 50
MAILBOX_FIELDS = ("address", "display_name", "imap_host", "imap_port", "imap_security", "imap_username",
                  "imap_folder", "sent_folder", "smtp_host", "smtp_port", "smtp_security", "smtp_username")


class MailError(Exception):
    """A rule refused the action; the message is meant for the person."""


def _require_admin(actor):
    if not actor.can_manage_members:
        raise MailError("Only the owner and admins manage mailboxes.")


def _timeout():
    return current_app.config.get("MAIL_SOCKET_TIMEOUT", 30)


# --- reading ------------------------------------------------------------------


_MAILBOXES = PreparedSelect(lambda workspace_id: Mailbox.of(workspace_id)  # built once: the inbox's filters run it
                            .order_by(Mailbox.is_default.desc(), Mailbox.address), 1)


def mailboxes(workspace):
    """The workspace's mailboxes, the default first, then by address."""
    return _MAILBOXES.rows(workspace)


def get_mailbox(workspace, mailbox_id):
    """A mailbox of this workspace, or LookupError (answers 404)."""
    found = Mailbox.of(workspace).where(Mailbox.id == mailbox_id).first()
    if found is None:
        raise LookupError(mailbox_id)
    return found


def failed_count(workspace):
    """How many fetched messages wait for an admin (failed), bounded."""
    sub = (InboundEmail.of(workspace, InboundEmail.id)
           .where(InboundEmail.status == InboundStatus.FAILED).limit(1000))
    return InboundEmail.select(fn.COUNT(1)).from_(sub.alias("failed")).scalar()


def reply_mailbox(ticket):
    """The mailbox a reply on `ticket` goes out through: the one its mail came in by, else the default.

    None when the workspace has no mailbox (the system MAIL_URL is used then).
    """
    came_in = (Mailbox.select().join(InboundEmail, on=(InboundEmail.mailbox == Mailbox.id))
               .where(InboundEmail.ticket == ticket.id).order_by(InboundEmail.id.desc()).first())
    return came_in if came_in is not None else default_mailbox(ticket.workspace_id)


_ANY_MAILBOX = PreparedSelect(lambda workspace_id: Mailbox.of(workspace_id, Mailbox.id).limit(1), 1)  # built once


def has_mailbox(workspace):
    """Whether the workspace has a mailbox, so that replies have a way out (one query)."""
    return _ANY_MAILBOX.first(workspace) is not None


def default_mailbox(workspace):
    """The workspace's default mailbox (else its first one), or None when it has none."""
    return Mailbox.of(workspace).order_by(Mailbox.is_default.desc(), Mailbox.id).first()


# --- changing -----------------------------------------------------------------


def _clean(data):
    values = {name: data[name] for name in MAILBOX_FIELDS if name in data}
    if "address" in values:
        values["address"] = normalize_email(values["address"] or "")
        if "@" not in values["address"]:
            raise MailError("Give the mailbox's email address.")
    for name in ("imap_security", "smtp_security"):
        if name in values and values[name] not in Security.ALL:
            raise MailError("Choose SSL/TLS, STARTTLS or none.")
    for name in ("imap_port", "smtp_port"):
        if name in values:
            values[name] = int(values[name])
            if not 0 < values[name] < 65536:
                raise MailError("A port is a number from 1 to 65535.")
    for name in ("imap_host", "smtp_host", "imap_username", "smtp_username", "display_name", "sent_folder"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "imap_folder" in values:
        values["imap_folder"] = (values["imap_folder"] or "").strip() or "INBOX"
    return values


def build_mailbox(workspace, data, existing=None):
    """An unsaved mailbox from form data (for "Test connection"), on top of `existing` when given.

    Empty password fields keep the stored passwords.
    """
    mailbox = Mailbox(workspace=workspace)
    if existing is not None:
        mailbox = Mailbox(**existing.__data__)
    for name, value in _clean(data).items():
        setattr(mailbox, name, value)
    for name in ("imap_password", "smtp_password"):
        if data.get(name):
            setattr(mailbox, name, crypto.encrypt(data[name]))
    if existing is None:
        mailbox.auth_method = AuthMethod.PASSWORD
    if not mailbox.imap_username:
        mailbox.imap_username = mailbox.address
    if not mailbox.smtp_username:
        mailbox.smtp_username = mailbox.imap_username
    if not mailbox.smtp_password:
        mailbox.smtp_password = mailbox.imap_password
    return mailbox


def add_mailbox(workspace, actor, data, *, now):
    """Add a mailbox connected by password; the first one becomes the default."""
    _require_admin(actor)
    mailbox = build_mailbox(workspace, data)
    if not mailbox.imap_password:
        raise MailError("Give the mailbox password.")
    mailbox.created_at = now
    mailbox.is_default = not Mailbox.of(workspace).exists()
    mailbox.next_fetch_at = now
    try:
        with db.database.atomic():
            mailbox.save(force_insert=True)
            audit.record("mailbox_added", now=now, workspace=workspace, actor=actor.user, address=mailbox.address,
                         auth="password")
    except IntegrityError:
        raise MailError(f"{mailbox.address} is already a mailbox of this workspace.") from None
    return mailbox


def update_mailbox(workspace, actor, mailbox_id, data, *, now):
    """Change a mailbox's settings; empty password fields keep the stored ones."""
    _require_admin(actor)
    existing = get_mailbox(workspace, mailbox_id)
    changed = build_mailbox(workspace, data, existing)
    fields = [name for name in (*MAILBOX_FIELDS, "imap_password", "smtp_password")
              if getattr(changed, name) != getattr(existing, name)]
    if not fields:
        return existing
    moved = changed.imap_host != existing.imap_host or changed.imap_folder != existing.imap_folder \
        or changed.imap_username != existing.imap_username
    if moved:  # another folder or server: its UIDs mean nothing here
        changed.uidvalidity, changed.last_uid = None, 0
        fields += ["uidvalidity", "last_uid"]
    changed.next_fetch_at, changed.consecutive_failures, changed.last_fetch_error = now, 0, None
    try:
        with db.database.atomic():
            changed.save(only=[Mailbox._meta.fields[name] for name in
                               (*fields, "next_fetch_at", "consecutive_failures", "last_fetch_error")])
            audit.record("mailbox_changed", now=now, workspace=workspace, actor=actor.user, address=changed.address,
                         fields=sorted(name for name in fields if name not in ("uidvalidity", "last_uid")))
    except IntegrityError:
        raise MailError(f"{changed.address} is already a mailbox of this workspace.") from None
    return changed


def connect_oauth_mailbox(workspace, actor, provider, address, token, *, now):
    """Add (or reconnect) the mailbox `address` with the tokens of an OAuth sign-in (R22)."""
    _require_admin(actor)
    settings = oauth.providers()[provider]
    address = normalize_email(address)
    with db.database.atomic():
        mailbox = Mailbox.of(workspace).where(Mailbox.address == address).first()
        created = mailbox is None
        if created:
            mailbox = Mailbox(workspace=workspace, address=address, created_at=now,
                              is_default=not Mailbox.of(workspace).exists())
        mailbox.auth_method = provider
        mailbox.imap_host, mailbox.imap_port, mailbox.imap_security = settings["imap"]
        mailbox.smtp_host, mailbox.smtp_port, mailbox.smtp_security = settings["smtp"]
        mailbox.imap_username = mailbox.smtp_username = address
        mailbox.imap_password = mailbox.smtp_password = None
        oauth.store_token(mailbox, token, now=now)
        mailbox.next_fetch_at, mailbox.consecutive_failures, mailbox.last_fetch_error = now, 0, None
        mailbox.save(force_insert=created)
        audit.record("mailbox_connected", now=now, workspace=workspace, actor=actor.user, address=address,
                     auth=provider, new=created)
    return mailbox


def set_default_mailbox(workspace, actor, mailbox_id, *, now):
    """Make one mailbox the default for replies on tickets that came in otherwise."""
    _require_admin(actor)
    mailbox = get_mailbox(workspace, mailbox_id)
    with db.database.atomic():
        Mailbox.update(is_default=False).where(Mailbox.workspace == workspace).execute()
        Mailbox.update(is_default=True).where(Mailbox.id == mailbox.id).execute()
        audit.record("mailbox_default", now=now, workspace=workspace, actor=actor.user, address=mailbox.address)
    return mailbox


def remove_mailbox(workspace, actor, mailbox_id, *, now):
    """Remove a mailbox (R25): its credentials and tokens are erased, fetching and sending through it stop.

    Its tickets and fetched messages stay (their `mailbox` becomes empty). The
    secrets are overwritten before the row is deleted, and a Google token is
    revoked at the provider (best effort). A fetch that is running stops at its
    next message; replies not yet sent go through the workspace's other mailbox,
    or the system mail server when none is left.
    """
    _require_admin(actor)
    mailbox = get_mailbox(workspace, mailbox_id)
    refresh_token = None
    if mailbox.uses_oauth and mailbox.oauth_refresh_token:
        try:
            refresh_token = crypto.decrypt(mailbox.oauth_refresh_token)
        except crypto.CryptoError:
            refresh_token = None
    with db.database.atomic():
        (Mailbox.update(imap_password=None, smtp_password=None, oauth_access_token=None, oauth_refresh_token=None,
                        oauth_expires_at=None).where(Mailbox.id == mailbox.id).execute())
        Mailbox.delete().where(Mailbox.id == mailbox.id).execute()
        if mailbox.is_default:
            successor = Mailbox.of(workspace).order_by(Mailbox.id).first()
            if successor is not None:
                Mailbox.update(is_default=True).where(Mailbox.id == successor.id).execute()
        audit.record("mailbox_removed", now=now, workspace=workspace, actor=actor.user, address=mailbox.address)
    if refresh_token:
        oauth.revoke(mailbox.auth_method, refresh_token)
    return mailbox


# --- connections ----------------------------------------------------------------


def open_imap(mailbox, *, now, timeout=None):
    """A logged-in `ImapClient` for the mailbox (password or XOAUTH2). Raises MailConnectionError."""
    client = ImapClient(mailbox.imap_host, mailbox.imap_port, mailbox.imap_security,
                        timeout=timeout or _timeout()).connect()
    try:
        if mailbox.uses_oauth:
            client.login_xoauth2(mailbox.address, oauth.access_token(mailbox, now=now))
        else:
            client.login(mailbox.imap_username or mailbox.address, _secret(mailbox.imap_password))
    except Exception:
        client.close()
        raise
    return client


def _secret(token):
    try:
        return crypto.decrypt(token) or ""
    except crypto.CryptoError as error:
        raise MailConnectionError(Problem.AUTH, f"The stored password cannot be read ({error}); enter it again.")


def smtp_auth(mailbox, *, now):
    """The `auth` callable for `core.mailer.send_smtp`: checks TLS as configured, then logs in.

    Called after STARTTLS (when the server offered it): a mailbox set to
    STARTTLS or SSL/TLS refuses to log in over a connection that is not encrypted.
    """
    def authenticate(smtp):
        if mailbox.smtp_security != Security.NONE and not isinstance(smtp.sock, ssl.SSLSocket):
            raise MailConnectionError(Problem.TLS, f"TLS problem: {mailbox.smtp_host}:{mailbox.smtp_port} does not "
                                                   "offer STARTTLS. Choose SSL/TLS or another port.")
        try:
            if mailbox.uses_oauth:
                token = oauth.access_token(mailbox, now=now)
                xoauth = xoauth2_string(mailbox.address, token)
                # On a refusal the server sends a 334 challenge (JSON error); the empty answer ends the exchange.
                smtp.auth("XOAUTH2", lambda challenge=None: xoauth if challenge is None else "")
            else:
                username = mailbox.smtp_username or mailbox.imap_username or mailbox.address
                smtp.login(username, _secret(mailbox.smtp_password or mailbox.imap_password))
        except smtplib.SMTPAuthenticationError as error:
            words = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
            if mailbox.uses_oauth:
                raise MailConnectionError(Problem.OAUTH, f"{mailbox.smtp_host} refused the access token of "
                                                         f"{mailbox.address} ({error.smtp_code} {words}). "
                                                         "Connect the account again.") from error
            raise MailConnectionError(Problem.AUTH, f"Wrong user name or password: {mailbox.smtp_host} refused the "
                                                    f"login ({error.smtp_code} {words}).") from error
        except smtplib.SMTPNotSupportedError as error:
            raise MailConnectionError(Problem.AUTH, f"{mailbox.smtp_host} does not accept a login here "
                                                    f"(no AUTH): {error}") from error

    return authenticate


def smtp_check(mailbox, *, now, timeout=None):
    """Connect, secure and log in to the mailbox's SMTP server without sending. Raises MailConnectionError."""
    host, port = mailbox.smtp_host, int(mailbox.smtp_port)
    context = ssl.create_default_context()
    timeout = timeout or _timeout()
    try:
        if mailbox.smtp_security == Security.SSL:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            smtp.ehlo()
            if mailbox.smtp_security != Security.SSL and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            smtp_auth(mailbox, now=now)(smtp)
    except MailConnectionError:
        raise
    except smtplib.SMTPResponseException as error:
        raise MailConnectionError(Problem.PROTOCOL, f"{host}:{port} answered {error.smtp_code} "
                                                    f"{error.smtp_error!r}") from error
    except (smtplib.SMTPException, OSError, socket.timeout) as error:
        raise describe_error(error, host, port, "SMTP") from error


def test_connection(mailbox, *, now, timeout=None):
    """Try IMAP (log in, open the folder) and SMTP (log in); returns [(ok, what, plain words)]."""
    results = []
    try:
        with open_imap(mailbox, now=now, timeout=timeout) as client:
            _, _, count = client.select(mailbox.imap_folder)
        results.append((True, "IMAP", f"Connected to {mailbox.imap_host}: folder \"{mailbox.imap_folder}\" "
                                      f"holds {count} message{'' if count == 1 else 's'}."))
    except MailConnectionError as error:
        results.append((False, "IMAP", str(error)))
    try:
        smtp_check(mailbox, now=now, timeout=timeout)
        results.append((True, "SMTP", f"Connected to {mailbox.smtp_host}: ready to send as {mailbox.address}."))
    except MailConnectionError as error:
        results.append((False, "SMTP", str(error)))
    return results


# --- settings -------------------------------------------------------------------


def blocked_senders(workspace):
    """The blocked addresses and @domains, sorted."""
    return [b.pattern for b in BlockedSender.of(workspace).order_by(BlockedSender.pattern)]


def parse_blocked_senders(text):
    """One address or @domain per line (commas work too); invalid lines raise MailError."""
    patterns = set()
    for line in (text or "").replace(",", "\n").splitlines():
        pattern = line.strip().lower()
        if not pattern:
            continue
        if pattern.count("@") != 1 or " " in pattern or pattern.endswith("@") or "." not in pattern.split("@")[1]:
            raise MailError(f"\"{line.strip()}\" is neither an address (name@example.com) nor a domain (@example.com).")
        patterns.add(pattern)
    return sorted(patterns)


def save_mail_settings(workspace, actor, *, load_remote_images, blocked_text, now):
    """Remote images on or off (R28) and the blocked senders."""
    _require_admin(actor)
    patterns = parse_blocked_senders(blocked_text)
    with db.database.atomic():
        workspace.load_remote_images = bool(load_remote_images)
        workspace.save(only=[type(workspace).load_remote_images])
        current = set(blocked_senders(workspace))
        BlockedSender.delete().where(BlockedSender.workspace == workspace,
                                     BlockedSender.pattern.not_in(patterns or [""])).execute()
        for pattern in sorted(set(patterns) - current):
            BlockedSender.create(workspace=workspace, pattern=pattern, created_at=now)
        audit.record("mail_settings_changed", now=now, workspace=workspace, actor=actor.user,
                     load_remote_images=bool(load_remote_images), blocked=len(patterns))
    return patterns


# --- the ingest log -------------------------------------------------------------


def ingest_log(workspace, *, status=None, before_id=None, limit=LOG_PAGE_SIZE):
    """Fetched messages, newest first, keyset-paginated (one extra row tells "more"), with mailbox and ticket."""
    rows = (InboundEmail.of(workspace, InboundEmail, Mailbox, Ticket)
            .join(Mailbox, JOIN.LEFT_OUTER, on=(InboundEmail.mailbox == Mailbox.id))
            .switch(InboundEmail).join(Ticket, JOIN.LEFT_OUTER, on=(InboundEmail.ticket == Ticket.id)))
    if status in InboundStatus.ALL:
        rows = rows.where(InboundEmail.status == status)
    if before_id:
        rows = rows.where(InboundEmail.id < before_id)
    return list(rows.order_by(InboundEmail.id.desc()).limit(limit + 1))


def get_inbound(workspace, inbound_id):
    found = InboundEmail.of(workspace).where(InboundEmail.id == inbound_id).first()
    if found is None:
        raise LookupError(inbound_id)
    return found


def retry_inbound(workspace, actor, inbound_id, *, now):
    """Process a failed message again, or a skipped one anyway (R26); returns the row afterwards."""
    _require_admin(actor)
    row = get_inbound(workspace, inbound_id)
    if row.status not in (InboundStatus.FAILED, InboundStatus.SKIPPED):
        raise MailError("Only failed or skipped messages can be processed again.")
    if row.status == InboundStatus.SKIPPED and row.decision.startswith(DUPLICATE_DECISION):
        raise MailError("This message is a copy of one already processed.")
    values = {InboundEmail.status: InboundStatus.PENDING, InboundEmail.error: None}
    if row.status == InboundStatus.SKIPPED:
        values[InboundEmail.force] = True
    moved = (InboundEmail.update(values)
             .where(InboundEmail.id == row.id, InboundEmail.status == row.status).execute())
    if moved:
        audit.record("inbound_retried", now=now, workspace=workspace, actor=actor.user, inbound=row.id,
                     was=row.status)
    return process_inbound(row.id, now=now)


def pending_ids(mailbox_id=None, workspace=None, limit=200, older_than=None):
    """Ids of stored messages still waiting to be processed (a run was killed between store and process)."""
    rows = InboundEmail.select(InboundEmail.id).where(InboundEmail.status == InboundStatus.PENDING)
    if mailbox_id is not None:
        rows = rows.where(InboundEmail.mailbox == mailbox_id)
    if workspace is not None:
        rows = rows.where(InboundEmail.workspace == workspace)
    if older_than is not None:
        rows = rows.where(InboundEmail.created_at < older_than)
    return [i for (i,) in rows.order_by(InboundEmail.id).limit(limit).tuples()]


def backoff(failures):
    """Wait after `failures` failed fetches in a row: 1, 2, 4... minutes, at most an hour."""
    return timedelta(seconds=min(60 * 2 ** max(failures - 1, 0), 3600))
