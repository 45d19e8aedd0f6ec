"""Agent replies out (R24, R27): one job per reply sends it through the workspace's mailbox.

The mailbox is the one the ticket's mail came in through, else the workspace's
default mailbox; the system `MAIL_URL` is used only when the workspace has no
mailbox at all. The email carries a Message-ID (stored before the first attempt,
so retries reuse it), In-Reply-To and References (the ticket's earlier mail),
and the `[#N]` token in the subject. Once sent, a copy is appended to the
mailbox's Sent folder (a failure there is recorded and retried, never resent).

The acceptance is committed the moment the server answers 250 to the end of
DATA (`send_smtp`'s `on_accepted`), before QUIT and before the Sent copy, so a
process that dies after it never sends the reply again. The bytes sent are then
stored for the Sent copy; when that was not done (the process died, storage
failed), the copy is built again from the database (same Message-ID and Date).

Each reply has an `OutboundEmail` row: the job claims it (queued -> sending,
with a lease), so two runs never send one reply twice. Temporary failures (4xx,
timeouts, unreachable or misconfigured servers) put it back in the queue with a
backoff and raise `TemporaryFailure` (the job is retried); `send_due_replies`
also picks up anything due, so a reply survives a lost job. Permanent refusals
(5xx) fail the message with the server's words. A workspace sends at most
`MAIL_SEND_LIMIT_PER_HOUR` replies an hour; the rest wait their turn (R27).
"""
import logging
from datetime import timedelta, timezone
from email.policy import SMTP as SMTP_POLICY
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from peewee import JOIN, IntegrityError, fn

from helpdesk.core import storage
from helpdesk.core.clock import utcnow
from helpdesk.core.mailer import PermanentFailure, deliver, send_smtp
from helpdesk.extensions import db
from helpdesk.jobs import TemporaryFailure, enqueue, job
from helpdesk.mail.imap import MailConnectionError
from helpdesk.mail.models import Mailbox, OutboundEmail, OutboundStatus, Security
from helpdesk.mail.services import open_imap, reply_mailbox, smtp_auth
from helpdesk.mail.signatures import html_with_signatures, signatures_for, with_signatures
from helpdesk.tickets.models import Attachment, Message, Ticket

log = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=5)
# Waits after 1, 2, 3... temporary failures; after the last one the reply fails for good.
RETRY_DELAYS = [timedelta(seconds=s) for s in (10, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LOST_REPLY_WINDOW = 5000


def subject_with_token(ticket):
    """'Re: Printer jam [#1042]': the token threads replies whose headers were lost."""
    subject = ticket.subject
    token = f"[#{ticket.number}]"
    if token not in subject:
        subject = f"{subject} {token}"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def thread_ids(ticket_id, before_id):
    """Message-IDs of the ticket's earlier emailed messages, oldest first (for References)."""
    return [m for (m,) in Message.select(Message.email_message_id)
            .where(Message.ticket == ticket_id, Message.id < before_id, Message.email_message_id.is_null(False),
                   Message.kind != Message.NOTE)
            .order_by(Message.id).tuples()]


def build_reply(message, ticket, workspace_name, sender_address, date, mailbox_id=None):
    """The MIME message for an agent reply, dated `date` (naive UTC), signed for its author and mailbox."""
    customer = ticket.customer
    email = EmailMessage()
    agent_name = message.author.name if message.author else workspace_name
    email["From"] = Address(f"{agent_name} via {workspace_name}", addr_spec=sender_address)
    email["To"] = Address(customer.name or "", addr_spec=customer.email)
    if message.cc:
        email["Cc"] = message.cc
    if message.bcc:  # smtplib sends to it and leaves the header out of what it transmits
        email["Bcc"] = message.bcc
    email["Subject"] = subject_with_token(ticket)
    email["Date"] = format_datetime(date.replace(tzinfo=timezone.utc))
    email["Message-ID"] = message.email_message_id
    references = thread_ids(ticket.id, message.id)
    if references:
        email["In-Reply-To"] = _bracketed(references[-1])
        email["References"] = " ".join(_bracketed(r) for r in references[-20:])
    signatures = signatures_for(ticket.workspace_id, message.author_id, mailbox_id)
    email.set_content(with_signatures(message.body_text, signatures))
    email.add_alternative(html_with_signatures(message.body_text, signatures), subtype="html")
    for attachment in Attachment.select().where(Attachment.message == message):
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(storage.read(attachment.storage_key), maintype=maintype or "application",
                             subtype=subtype or "octet-stream", filename=attachment.filename)
    return email


def _bracketed(message_id):
    """Stored ids of inbound mail have no angle brackets (the parser strips them); headers need them."""
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def _outbound_for(message, now):
    row = OutboundEmail.get_or_none(OutboundEmail.message == message.id)
    if row is None:
        try:
            row = OutboundEmail.create(workspace=message.workspace_id, message=message.id, created_at=now,
                                       next_attempt_at=now)
        except IntegrityError:  # created by a concurrent run
            row = OutboundEmail.get(OutboundEmail.message == message.id)
    return row


def hold_reply(message, send_at, *, now):
    """A reply that waits for its Undo: its delivery row is due at `send_at`, when `send_due_replies` sends it."""
    OutboundEmail.create(workspace=message.workspace_id, message=message.id, created_at=now, next_attempt_at=send_at)


def cancel_held_reply(message_id):
    """Undo send: remove the delivery while it is queued and untried. False when a run has claimed it."""
    return bool(OutboundEmail.delete()
                .where(OutboundEmail.message == message_id, OutboundEmail.status == OutboundStatus.QUEUED,
                       OutboundEmail.attempts == 0).execute())


def _claim(row, now):
    """queued (or sending with a lapsed lease) -> sending; False when another run holds it or it is done."""
    return bool(OutboundEmail.update(status=OutboundStatus.SENDING, lease_until=now + SEND_LEASE,
                                     attempts=OutboundEmail.attempts + 1)
                .where(OutboundEmail.id == row.id,
                       (OutboundEmail.status == OutboundStatus.QUEUED)
                       | ((OutboundEmail.status == OutboundStatus.SENDING) & (OutboundEmail.lease_until < now)))
                .execute())


def sent_in_last_hour(workspace_id, now):
    """Replies the workspace sent in the hour before `now`."""
    return (OutboundEmail.select(fn.COUNT(OutboundEmail.id))
            .where(OutboundEmail.workspace == workspace_id, OutboundEmail.status == OutboundStatus.SENT,
                   OutboundEmail.sent_at > now - timedelta(hours=1)).scalar())


def _rate_limited_until(workspace_id, now):
    """When the workspace may send again, or None when it may send now (R27)."""
    limit = current_app.config.get("MAIL_SEND_LIMIT_PER_HOUR", 200)
    if sent_in_last_hour(workspace_id, now) < limit:
        return None
    oldest = (OutboundEmail.select(OutboundEmail.sent_at)
              .where(OutboundEmail.workspace == workspace_id, OutboundEmail.status == OutboundStatus.SENT,
                     OutboundEmail.sent_at > now - timedelta(hours=1))
              .order_by(OutboundEmail.sent_at.desc()).offset(limit - 1).limit(1).scalar())
    return (oldest or now) + timedelta(hours=1)


def _set_message(message, status=None, error=None):
    values = {Message.delivery_error: error}
    if status:
        values[Message.delivery_status] = status
    Message.update(values).where(Message.id == message.id).execute()


@job
def deliver_reply(message_id, now=None):
    """Send one agent reply (see the module docstring). A reply already sent, failed or taken is left alone."""
    now = now or utcnow()
    message = Message.get_or_none(Message.id == message_id)
    if message is None or message.kind != Message.REPLY or message.delivery_status in (Message.SENT, Message.FAILED):
        return
    ticket = Ticket.get_by_id(message.ticket_id)
    row = _outbound_for(message, now)
    if row.status in (OutboundStatus.SENT, OutboundStatus.FAILED):
        return
    if row.attempts == 0 and row.next_attempt_at and row.next_attempt_at > now:
        return  # held for its Undo: the due sweep sends it when the time comes
    if not _claim(row, now):
        return
    row = OutboundEmail.get_by_id(row.id)
    if row.attempts > MAX_ATTEMPTS:  # runs that died while sending (lease lapsed) count too
        _fail(row, message, f"Gave up after {MAX_ATTEMPTS} attempts: {row.last_error or 'no answer'}", now)
        return
    if not ticket.customer.email:
        _fail(row, message, "The customer has no email address.", now)
        return
    until = _rate_limited_until(ticket.workspace_id, now)
    if until is not None:
        limit = current_app.config.get("MAIL_SEND_LIMIT_PER_HOUR", 200)
        words = f"Waiting: this workspace sent {limit} emails in the last hour (the limit); it goes out by {until:%H:%M} UTC."
        (OutboundEmail.update(status=OutboundStatus.QUEUED, lease_until=None, next_attempt_at=until,
                              attempts=OutboundEmail.attempts - 1, last_error=words)
         .where(OutboundEmail.id == row.id).execute())
        _set_message(message, error=words)
        return
    mailbox = reply_mailbox(ticket)
    sender = mailbox.address if mailbox else (parseaddr(current_app.config["MAIL_FROM"])[1] or "helpdesk@localhost")
    if not message.email_message_id:
        message.email_message_id = make_msgid(idstring=f"t{ticket.number}", domain=sender.split("@")[-1])
        Message.update(email_message_id=message.email_message_id).where(Message.id == message.id).execute()
    accepted = []

    def record_acceptance():
        accepted.append(True)
        _record_acceptance(row, message, mailbox, now)

    try:
        email = build_reply(message, ticket, ticket.workspace.name, sender, now, mailbox.id if mailbox else None)
        if mailbox is None:
            deliver(email, current_app.config["MAIL_URL"], on_accepted=record_acceptance)
        else:
            _send_through(mailbox, email, now, on_accepted=record_acceptance)
    except PermanentFailure as error:
        _fail(row, message, f"The mail server refused this reply: {error}", now)
        return
    except Exception as error:  # noqa: BLE001 - 4xx, timeouts, bad settings, bugs: retried, then shown
        if accepted:  # the server has the reply: never queue it again (a failed record lapses with the lease)
            log.exception("reply %s was accepted by the server; recording it or what came after failed", message.id)
            return
        if not isinstance(error, (TemporaryFailure, MailConnectionError, OSError)):
            log.exception("reply %s could not be built or sent", message.id)
        _retry_later(row, message, str(error) or type(error).__name__, now)
        if row.attempts < MAX_ATTEMPTS:
            raise TemporaryFailure(str(error)) from error
        return
    if mailbox is None:
        return
    try:
        raw_key = storage.save(ticket.workspace_id, f"sent-{message.id}.eml", email.as_bytes(policy=SMTP_POLICY))
        OutboundEmail.update(raw_key=raw_key).where(OutboundEmail.id == row.id).execute()
    except Exception:  # noqa: BLE001 - the reply is sent; only this copy of its bytes is lost
        log.exception("bytes of reply %s not stored; its Sent copy is built again", message.id)
    append_sent_copy(row.id, now=now)


def _record_acceptance(row, message, mailbox, now):
    """The server took the reply: mark it sent and commit, before QUIT or the Sent copy can fail."""
    with db.database.atomic():
        (OutboundEmail.update(status=OutboundStatus.SENT, sent_at=now, lease_until=None, last_error=None,
                              mailbox=mailbox.id if mailbox else None,
                              sent_copy_status="pending" if mailbox else None)
         .where(OutboundEmail.id == row.id).execute())
        _set_message(message, Message.SENT, None)


def _send_through(mailbox, email, now, on_accepted):
    send_smtp(email, host=mailbox.smtp_host, port=int(mailbox.smtp_port),
              implicit_tls=mailbox.smtp_security == Security.SSL,
              timeout=current_app.config.get("MAIL_SOCKET_TIMEOUT", 30), auth=smtp_auth(mailbox, now=now),
              on_accepted=on_accepted)


def _retry_later(row, message, words, now):
    attempts = row.attempts
    if attempts >= MAX_ATTEMPTS:
        _fail(row, message, f"Gave up after {attempts} attempts: {words}", now)
        return
    delay = RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
    (OutboundEmail.update(status=OutboundStatus.QUEUED, lease_until=None, last_error=words,
                          next_attempt_at=now + delay).where(OutboundEmail.id == row.id).execute())
    _set_message(message, error=f"Not sent yet (attempt {attempts}, trying again): {words}")
    log.warning("reply %s not sent (attempt %d): %s", message.id, attempts, words)


def _fail(row, message, words, now):
    (OutboundEmail.update(status=OutboundStatus.FAILED, lease_until=None, last_error=words)
     .where(OutboundEmail.id == row.id).execute())
    _set_message(message, Message.FAILED, words)
    log.error("reply %s failed for good: %s", message.id, words)


@job
def append_sent_copy(outbound_id, now=None):
    """Put the sent reply into the mailbox's Sent folder (R24); a failure is recorded and retried later."""
    now = now or utcnow()
    row = OutboundEmail.get_or_none(OutboundEmail.id == outbound_id)
    if row is None or row.sent_copy_status != "pending":
        return
    mailbox = Mailbox.get_or_none(Mailbox.id == row.mailbox_id) if row.mailbox_id else None
    if mailbox is None:  # removed meanwhile (R25): no more connections to it
        OutboundEmail.update(sent_copy_status="failed", sent_copy_error="The mailbox was removed.").where(
            OutboundEmail.id == row.id).execute()
        return
    try:
        raw = _sent_copy(row, mailbox)
        with open_imap(mailbox, now=now) as client:
            folder = mailbox.sent_folder or client.sent_folder() or "Sent"
            client.append(folder, raw)
    except (MailConnectionError, OSError) as error:
        OutboundEmail.update(sent_copy_error=str(error)).where(OutboundEmail.id == row.id).execute()
        log.warning("copy of reply %s not added to Sent: %s", row.message_id, error)
        return
    OutboundEmail.update(sent_copy_status="done", sent_copy_error=None).where(OutboundEmail.id == row.id).execute()


def _sent_copy(row, mailbox):
    """The bytes sent, or the reply built again from the database with the Message-ID and Date it went out with."""
    if row.raw_key:
        return storage.read(row.raw_key)
    message = Message.get_by_id(row.message_id)
    ticket = Ticket.get_by_id(message.ticket_id)
    email = build_reply(message, ticket, ticket.workspace.name, mailbox.address, row.sent_at, mailbox.id)
    return email.as_bytes(policy=SMTP_POLICY)  # CRLF line ends, as IMAP APPEND wants


@job
def send_due_replies(now=None, limit=200):
    """Enqueue replies whose retry time came (or whose job was lost), and Sent copies still missing.

    Returns the ids of the messages enqueued.
    """
    now = now or utcnow()
    due = [m for (m,) in OutboundEmail.select(OutboundEmail.message)
           .where(((OutboundEmail.status == OutboundStatus.QUEUED) & (OutboundEmail.next_attempt_at <= now))
                  | ((OutboundEmail.status == OutboundStatus.SENDING) & (OutboundEmail.lease_until < now)))
           .order_by(OutboundEmail.next_attempt_at).limit(limit).tuples()]
    # Replies whose job never ran (lost with a Redis restart): no delivery row after two minutes. Only the
    # latest LOST_REPLY_WINDOW messages are looked at, a primary-key range, whatever the table's size.
    newest = Message.select(fn.MAX(Message.id)).scalar() or 0
    lost = [m for (m,) in Message.select(Message.id)
            .join(OutboundEmail, on=(OutboundEmail.message == Message.id), join_type=JOIN.LEFT_OUTER)
            .where(Message.id > newest - LOST_REPLY_WINDOW, Message.kind == Message.REPLY,
                   Message.delivery_status == Message.QUEUED, Message.created_at < now - timedelta(minutes=2),
                   OutboundEmail.id.is_null())
            .order_by(Message.id).limit(limit).tuples()]
    for message_id in due + lost:
        try:
            enqueue(deliver_reply, message_id, retry=False)
        except TemporaryFailure:
            pass  # recorded on the row; due again later
    copies = [i for (i,) in OutboundEmail.select(OutboundEmail.id)
              .where(OutboundEmail.sent_copy_status == "pending", OutboundEmail.sent_at < now - timedelta(minutes=1))
              .limit(limit).tuples()]
    for outbound_id in copies:
        enqueue(append_sent_copy, outbound_id, retry=False)
    return due + lost
