"""Inbound mail: store the raw message first, then process it (R23, R26, R27, R28).

`store_inbound()` keeps the raw bytes (in `core.storage`) and an `InboundEmail`
row, known by mailbox + UIDVALIDITY + UID: storing the same UID again returns
the row already there. `process_inbound()` turns a stored row into a ticket or a
reply on its ticket, in one transaction that starts by claiming the row
(pending -> done), so a second run, a concurrent run, or a run after a kill at
any point neither duplicates nor loses anything: a kill rolls the transaction
back and the row stays pending for the next run.

Across the mailboxes of a workspace a message is known by its fingerprint
(Message-ID plus a hash of sender, date, subject and body: never the Message-ID
alone, which senders reuse). The first copy processed owns the fingerprint (a
unique index decides races); later copies are recorded as duplicates of it, so a
mail sent To one mailbox and Cc another makes one ticket.

What happens to each message is written on its row in plain words (`decision`):
which rule threaded it (`threads.find_thread`, R23), or why it was skipped.
Every value taken from the message is cleaned of control characters first
(`cleaning`): anyone can send a Subject that decodes to a NUL. A message that
still cannot be stored or processed is kept, failed, with its error, and the
fetch goes on to the next one.

- Automated mail (R27): auto-replies, bounces, mailing-list and bulk mail (as
  flagged by the parser), mail from the workspace's own mailboxes (loops) and
  blocked senders are stored and recorded as skipped: no ticket, no reopening,
  no notification. An admin can still "process anyway" (then no notification
  either).
- HTML (R28) is kept sanitized with remote image addresses intact; the page
  blocks them at display time unless the workspace turned remote images on.
"""
import hashlib
import logging
import re
from datetime import timedelta

from peewee import DatabaseError, IntegrityError

from helpdesk.core import storage
from helpdesk.core.inserts import create_row
from helpdesk.core.sanitize import REMOTE_IMAGE_ALT, sanitize_html
from helpdesk.customers.services import find_or_create_customer
from helpdesk.extensions import db
from helpdesk.mail.cleaning import clean_header, clean_parsed, clean_text
from helpdesk.mail.models import (
    DUPLICATE_DECISION,
    NO_SENDER_DECISION,
    STORE_FAILED_DECISION,
    InboundEmail,
    InboundStatus,
)
from helpdesk.mail.parse import decode_header_value, parse_email
from helpdesk.mail.threads import find_thread
from helpdesk.notifications.services import email_customer_reply
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Channel

log = logging.getLogger(__name__)
# One notification per ticket in this window, whatever the number of replies (R27).
NOTIFY_WINDOW = timedelta(minutes=5)

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEADER_CACHE = {}


def _header(block, name):
    """The unfolded raw value of header `name` in a raw header block, or b''."""
    pattern = _HEADER_CACHE.get(name)
    if pattern is None:
        pattern = _HEADER_CACHE[name] = re.compile(
            rb"^" + re.escape(name.encode()) + rb"[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.I | re.M)
    match = pattern.search(block)
    return re.sub(rb"\s+", b" ", match.group(1)).strip() if match else b""


def envelope(raw):
    """(message id, fingerprint, from, subject) read from the raw header block, without a full parse.

    The fingerprint hashes what the sender wrote (Message-ID, From, Date,
    Subject, body), not what each receiving server added (Received,
    Delivered-To...), so copies delivered to two mailboxes share it.
    """
    end = _HEADER_END.search(raw)
    block, body = (raw[:end.start()], raw[end.end():]) if end else (raw, b"")
    message_id = _header(block, "message-id")
    parts = [message_id, _header(block, "from"), _header(block, "date"), _header(block, "subject"),
             body.replace(b"\r\n", b"\n").rstrip()]
    fingerprint = hashlib.sha256(b"\0".join(parts)).hexdigest()
    def text(value, limit):
        return clean_header(decode_header_value(value.decode("latin-1")))[:limit] if value else ""
    match = re.search(r"<([^<>\s]+)>", clean_header(message_id.decode("latin-1"))) if message_id else None
    return (f"<{match.group(1)}>"[:998] if match else None), fingerprint, text(_header(block, "from"), 254), \
        text(_header(block, "subject"), 300)


def store_inbound(workspace_id, mailbox_id, uidvalidity, uid, raw, *, now):
    """Keep one fetched message (raw bytes, then its row); returns (row, created).

    The same mailbox + UIDVALIDITY + UID stored twice gives back the first row
    (the unique index decides: no look-up first). One statement: the fetch
    moves the mailbox's position once per batch, and a run killed before that
    fetches the batch again, finding its rows stored. A row the database
    refuses still keeps the message: a bare row (no header values), failed with
    the error, that an admin can retry; the fetch goes on.
    """
    message_id, fingerprint, from_address, subject = envelope(raw)
    key = storage.save(workspace_id, f"{uidvalidity or 0}-{uid or 0}.eml", raw)
    values = {"workspace": workspace_id, "mailbox": mailbox_id, "uidvalidity": uidvalidity, "uid": uid,
              "raw_key": key, "size": len(raw), "email_message_id": message_id, "fingerprint": fingerprint,
              "from_address": from_address, "subject": subject, "created_at": now,
              "status": InboundStatus.PENDING, "attempts": 0, "force": False, "decision": ""}
    try:
        return _insert(values), True
    except DatabaseError as failure:
        # Stored a moment ago by another run (the unique index), or refused: the mailbox was removed
        # meanwhile (its FK fails, and fails again below), or a value of the message did not fit.
        existing = _stored_id(mailbox_id, uidvalidity, uid) if isinstance(failure, IntegrityError) else None
        if existing is not None:
            return InboundEmail.get_by_id(existing), False
        log.exception("storing message %s of mailbox %s failed; kept as failed", uid, mailbox_id)
        values.update(email_message_id=None, from_address="", subject="", status=InboundStatus.FAILED,
                      decision=STORE_FAILED_DECISION, error=_error_text(failure))
        return _insert(values), True


def _insert(values):
    with db.database.atomic():  # a savepoint inside a caller's transaction, which a refused row leaves usable
        return create_row(InboundEmail, **values)


def _stored_id(mailbox_id, uidvalidity, uid):
    return (InboundEmail.select(InboundEmail.id)
            .where(InboundEmail.mailbox == mailbox_id, InboundEmail.uidvalidity == uidvalidity,
                   InboundEmail.uid == uid).scalar())


def _error_text(failure):
    return clean_text(f"{type(failure).__name__}: {failure}")


# --- processing ---------------------------------------------------------------


class _Outcome:
    """What processing decided, applied to the row at the end of the transaction."""

    def __init__(self, status, decision, ticket=None, message_id=None, notify=None, error=None):
        self.status, self.decision, self.ticket, self.message_id = status, decision, ticket, message_id
        self.notify, self.error = notify, error  # notify: the Message to tell the assignee about


class _Duplicate(Exception):
    """The message's fingerprint belongs to another row: this one is a copy (its transaction is rolled back)."""


# The columns processing reads: a narrow select is much cheaper than the whole row.
_PROCESS_FIELDS = ("id", "workspace", "status", "raw_key", "fingerprint", "owns_fingerprint", "force", "attempts",
                   "ticket", "message", "from_address", "subject", "email_message_id", "decision", "error")


def process_inbound(inbound_id, *, now):
    """Process one stored message by id (see `process_stored`); returns the row, or None when it is gone."""
    fields = [InboundEmail._meta.fields[name] for name in _PROCESS_FIELDS]
    row = InboundEmail.select(*fields).where(InboundEmail.id == inbound_id).first()
    return row if row is None else process_stored(row, now=now)


def process_stored(row, *, now, raw=None):
    """Process a stored row, as read or as `store_inbound` returned it (`raw`: its bytes, when at hand).

    One transaction: claim the row (pending -> attempted, and the message's
    fingerprint), decide, write the outcome. A copy of a message already
    processed, or a failure, rolls it all back and records that instead, in a
    second transaction; a kill leaves the row pending. A row that is not pending
    (done, or taken by a concurrent run) is left as it is. Returns the row.
    """
    if row.status != InboundStatus.PENDING:
        return row
    parsed, error = _read(row, raw)
    as_stored = dict(row.__data__)  # what a rollback brings the row back to
    try:
        with db.database.atomic():
            outcome = _process(row, parsed, error, now)
    except _Duplicate:
        outcome = _record_apart(row, as_stored, parsed, now, None)
    except Exception as failure:  # noqa: BLE001 - kept, shown to admins with a retry button (R26)
        log.exception("processing inbound message %s failed", row.id)
        outcome = _record_apart(row, as_stored, parsed, now, failure)
    if outcome is None:  # taken by a concurrent run
        return InboundEmail.get_or_none(InboundEmail.id == row.id)
    if outcome.notify is not None:
        try:
            _notify_assignee(outcome.ticket, outcome.notify, parsed, now)
        except Exception:  # noqa: BLE001 - the message is processed; a lost notice must not undo that
            log.exception("notifying the assignee of ticket %s failed", outcome.ticket.id)
    return row


def _process(row, parsed, error, now):
    """Claim the row, decide and write the outcome; returns it (None: another run took the row)."""
    if not _claim(row, own=True):
        return None
    if parsed is None:
        outcome = _Outcome(InboundStatus.FAILED, "could not be read", error=error)
    else:
        outcome = _decide(row, parsed, now)
    _finish(row, outcome, parsed, now)
    return outcome


def _read(row, raw):
    """(parsed and cleaned message, None) or (None, why it cannot be read)."""
    try:
        return clean_parsed(parse_email(raw if raw is not None else storage.read(row.raw_key))), None
    except FileNotFoundError:
        return None, "The raw message is missing from storage."
    except Exception as failure:  # noqa: BLE001 - any parser failure is shown to admins, never lost
        return None, _error_text(failure)


def _claim(row, own):
    """Move the row out of pending (False: another run took it); `own` also takes the message's fingerprint,
    which raises `_Duplicate` when another row of the workspace has it (a unique index decides races)."""
    values = {InboundEmail.attempts: InboundEmail.attempts + 1}
    if own:
        values[InboundEmail.owns_fingerprint] = row.fingerprint
    try:
        claimed = (InboundEmail.update(values)
                   .where(InboundEmail.id == row.id, InboundEmail.status == InboundStatus.PENDING).execute())
    except IntegrityError as conflict:
        raise _Duplicate() from conflict
    row.attempts += 1
    if own:
        row.owns_fingerprint = row.fingerprint
    return bool(claimed)


def _record_apart(row, as_stored, parsed, now, failure):
    """After a rollback (`as_stored`: the row's values before it): record the row as a duplicate (no `failure`)
    or as failed. None: another run took it.

    A failed row keeps the values it was stored with (one of the message's
    may be what the database refused) and does not own the fingerprint.
    """
    row.__data__.update(as_stored)
    with db.database.atomic():
        if not _claim(row, own=False):
            return None
        owner = None if failure else (InboundEmail.select()
                                      .where(InboundEmail.workspace == row.workspace_id,
                                             InboundEmail.owns_fingerprint == row.fingerprint).first())
        if owner is not None:
            where = f" (ticket #{owner.ticket.number})" if owner.ticket_id else ""
            outcome = _Outcome(InboundStatus.SKIPPED, f"{DUPLICATE_DECISION} of message {owner.id}{where}",
                               ticket=owner.ticket if owner.ticket_id else None)
        else:
            error = _error_text(failure) if failure else "Its first copy was removed meanwhile: retry it."
            outcome = _Outcome(InboundStatus.FAILED, "could not be processed", error=error)
        _finish(row, outcome, parsed if owner is not None else None, now)
    return outcome


def _finish(row, outcome, parsed, now):
    """Move the row to its final state (the one place that does: `InboundStatus.TRANSITIONS`)."""
    if outcome.status not in InboundStatus.TRANSITIONS[row.status]:
        raise ValueError(f"an inbound message cannot go from {row.status} to {outcome.status}")
    row.status, row.decision, row.error, row.processed_at = outcome.status, outcome.decision[:300], outcome.error, now
    if outcome.ticket is not None:
        row.ticket = outcome.ticket.id
    if outcome.message_id is not None:
        row.message = outcome.message_id
    changed = ["status", "decision", "error", "processed_at", "ticket", "message"]
    if parsed is not None:
        row.from_address = (parsed.from_email or row.from_address)[:254]
        row.subject = (parsed.subject or "")[:300]
        row.email_message_id = (parsed.message_id or row.email_message_id or None)
        if row.email_message_id:
            row.email_message_id = row.email_message_id[:998]
        changed += ["from_address", "subject", "email_message_id"]
    fields = InboundEmail._meta.fields
    InboundEmail.update({fields[name]: row.__data__.get(name) for name in changed}).where(
        InboundEmail.id == row.id).execute()


def _decide(row, parsed, now):
    """Skip, or thread / open a ticket; returns the outcome."""
    workspace_id = row.workspace_id
    sender = (parsed.from_email or "").strip().lower()
    if "@" not in sender:
        return _Outcome(InboundStatus.SKIPPED, NO_SENDER_DECISION)
    automated = automation_reason(parsed)
    if not row.force:
        reason = _skip_reason(workspace_id, sender, automated)
        if reason:
            return _Outcome(InboundStatus.SKIPPED, f"skipped: {reason}")
    customer = find_or_create_customer(workspace_id, sender, parsed.from_name or "", now=now)
    ticket, decision = find_thread(workspace_id, parsed, customer)
    html = keep_remote_images(parsed.html) if parsed.html else None
    attachments = [a for a in parsed.attachments if a.data is not None]
    forced = " (processed on an admin's request)" if row.force else ""
    if ticket is not None:
        message = tickets.add_customer_message(ticket, parsed.text, now=now, body_html=html, customer=customer,
                                               email_message_id=parsed.message_id, attachments=attachments)
        notify = bool(ticket.assignee_id) and not automated and not _recently_notified(ticket, now)
        return _Outcome(InboundStatus.PROCESSED, decision + forced, ticket=ticket, message_id=message.id,
                        notify=message if notify else None)
    ticket = tickets.open_ticket(workspace_id, customer, parsed.subject, parsed.text, now=now, channel=Channel.EMAIL,
                                 body_html=html, email_message_id=parsed.message_id, attachments=attachments,
                                 mailbox_id=row.mailbox_id)
    return _Outcome(InboundStatus.PROCESSED, decision + forced, ticket=ticket, message_id=ticket.first_message.id)


def automation_reason(parsed):
    """'bounce', 'auto-reply' or 'mailing-list or bulk mail' for automated mail, else None (R27)."""
    if parsed.is_bounce:
        return "bounce"
    if not parsed.is_auto_reply:
        return None
    headers = {name: (value or "").strip().lower() for name, value in (parsed.headers or {}).items()}
    if (headers.get("auto-submitted", "no") != "no" or "x-autoreply" in headers or "x-autorespond" in headers
            or headers.get("precedence") == "auto_reply" or "x-auto-response-suppress" in headers):
        return "auto-reply"
    return "mailing-list or bulk mail"


_SKIP_SQL = ("SELECT 'mailbox', address FROM mailbox WHERE workspace_id = {p} AND address = {p} "
             "UNION ALL SELECT 'blocked', pattern FROM blocked_sender WHERE workspace_id = {p} "
             "AND pattern IN ({p}, {p}) ORDER BY 1 DESC LIMIT 1")


def _skip_reason(workspace_id, sender, automated):
    """Why a message from `sender` is not processed, or None (one query: own mailbox or blocked)."""
    if automated:
        return automated
    domain = "@" + sender.rsplit("@", 1)[1]
    sql = _SKIP_SQL.format(p=db.database.param)
    found = db.database.execute_sql(sql, (workspace_id, sender, workspace_id, sender, domain)).fetchone()
    if found is None:
        return None
    if found[0] == "mailbox":
        return "sent from one of this workspace's own mailboxes (loop protection)"
    return f"blocked sender ({found[1]})"


_BLOCKED_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([^\s="]+)(?:="([^"]*)")?')


def keep_remote_images(html):
    """Undo the parser's remote-image blocking for storage: the ticket page blocks at display time (R28).

    The parser moves an http(s) image source to `data-remote-src`; the stored
    HTML keeps it in `src` so that a workspace that turns remote images on sees
    them. The result is sanitized again, with remote images allowed.
    """
    def restore(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if "data-remote-src" not in attributes or "src" in attributes:
            return match.group(0)
        attributes["src"] = attributes.pop("data-remote-src")
        if attributes.get("alt") == REMOTE_IMAGE_ALT:
            del attributes["alt"]
        return "<img" + "".join(f' {name}="{value}"' for name, value in attributes.items()) + ">"

    if "data-remote-src" not in html:
        return html
    return sanitize_html(_BLOCKED_IMG.sub(restore, html), allow_remote_images=True)


# --- notification -------------------------------------------------------------


def _recently_notified(ticket, now):
    """True when the assignee heard about this ticket within NOTIFY_WINDOW (one mail for a burst of replies)."""
    return InboundEmail.select().where(InboundEmail.ticket == ticket, InboundEmail.notified_at.is_null(False),
                                       InboundEmail.notified_at > now - NOTIFY_WINDOW).exists()


def _notify_assignee(ticket, message, parsed, now):
    """Email the assignee that the customer wrote (after the commit; our mail carries Auto-Submitted)."""
    InboundEmail.update(notified_at=now).where(InboundEmail.message == message.id).execute()
    # cleaned of control characters (`clean_parsed`)
    email_customer_reply(ticket, message, parsed.from_name or parsed.from_email, now=now)
