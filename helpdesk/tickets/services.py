"""Ticket rules: open, reply, note, status, priority, assignee, tags, bulk changes, canned replies.

Every function takes the workspace (through the ticket), the acting user and
`now`. Each change writes a `TicketEvent`, the ticket's history.
"""
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import IntegrityError, fn

from helpdesk.accounts.models import User
from helpdesk.core import storage
from helpdesk.core.inserts import create_row
from helpdesk.core.sanitize import html_to_text
from helpdesk.core.selects import PreparedSelect
from helpdesk.extensions import db
from helpdesk.jobs import enqueue, resolve
from helpdesk.tickets import search
from helpdesk.tickets.drafts import discard_draft, lock_for_reply
from helpdesk.tickets.models import (
    Attachment,
    CannedReply,
    Channel,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    TicketTag,
    TicketViewer,
    clean_filename,
)
from helpdesk.workspaces.models import Membership

PREVIEW_LENGTH = 160
PRESENCE_WINDOW = timedelta(seconds=30)
# The job that turns an agent reply into an email, and the rule that picks the mailbox it leaves by:
# both live in the mail domain (named, so that imports still point one way).
DELIVER_REPLY_JOB = "helpdesk.mail.send.deliver_reply"
HOLD_REPLY = "helpdesk.mail.send.hold_reply"  # a reply that waits for its Undo, then the due sweep sends it
HAS_MAILBOX = "helpdesk.mail.services.has_mailbox"
# Who hears of a note's mentions, an assignment, a customer's message (the notifications domain, by name).
NOTE_ADDED = "helpdesk.notifications.services.note_added"
TICKET_ASSIGNED = "helpdesk.notifications.services.ticket_assigned"
CUSTOMER_WROTE = "helpdesk.notifications.services.customer_wrote"

# Why a reply is not sent. Without a mailbox it would leave from the service's own address, which
# nothing reads: the customer's answer would be lost, so the reply is refused rather than sent.
NO_CUSTOMER_EMAIL, NO_MAILBOX = "no_customer_email", "no_mailbox"
REFUSALS = {
    NO_CUSTOMER_EMAIL: "The customer has no email address, so a reply cannot reach them.",
    NO_MAILBOX: "This workspace has no mailbox, so the customer's answer to a reply would be lost. "
                "Add a mailbox first.",
}


class TicketError(Exception):
    """A rule refused the action; the message is meant for the person."""


class ReplyRefused(TicketError):
    """A reply that would not reach the customer, or whose answer would be lost; `reason` is a REFUSALS key."""

    def __init__(self, reason):
        super().__init__(REFUSALS[reason])
        self.reason = reason


def _event(ticket, actor, kind, now, **data):
    return create_row(TicketEvent, workspace=ticket.workspace_id, ticket=ticket, actor=actor, kind=kind,
                      data=json.dumps(data, default=str), created_at=now)


def preview_of(text):
    """The inbox's one-line preview of a message."""
    return re.sub(r"\s+", " ", text).strip()[:PREVIEW_LENGTH]


def _next_number(workspace):
    return (Ticket.of(workspace, fn.MAX(Ticket.number)).scalar() or 0) + 1


def _store_attachments(message, uploads, now):
    """Save uploads (objects with filename, content_type, data) for `message`."""
    for upload in uploads:
        filename = clean_filename(upload.filename)  # agents' uploads and mail's names alike
        key = storage.save(message.workspace_id, filename, upload.data)
        create_row(Attachment, workspace=message.workspace_id, message=message, filename=filename,
                   content_type=upload.content_type or "application/octet-stream", size=len(upload.data),
                   storage_key=key, content_id=getattr(upload, "content_id", None), created_at=now)


def create_numbered_ticket(workspace, **fields):
    """A ticket row with the workspace's next number (opened here, or split off in `tickets.merging`)."""
    for _ in range(5):  # two tickets racing for one number: the loser takes the next
        try:
            with db.database.atomic():
                return create_row(Ticket, workspace=workspace, number=_next_number(workspace), **fields)
        except IntegrityError:
            continue
    raise TicketError("Could not number the ticket; please try again.")


def open_ticket(workspace, customer, subject, body, *, now, channel=Channel.MANUAL, actor=None,
                body_html=None, email_message_id=None, attachments=(), mailbox_id=None):
    """A new ticket whose first message comes from `customer` (by mail through `mailbox_id`, web form, or a
    call taken by `actor`).

    The ticket returned carries that message as `first_message`.
    """
    subject = (subject or "").strip()[:300] or "(no subject)"
    text = body if body is not None else html_to_text(body_html or "")
    with db.database.atomic():
        ticket = create_numbered_ticket(workspace, subject=subject, channel=channel, customer=customer,
                                        created_at=now, updated_at=now, last_customer_activity_at=now,
                                        message_count=1, preview=preview_of(text), mailbox_id=mailbox_id)
        message = create_row(Message, workspace=workspace, ticket=ticket, kind=Message.CUSTOMER, customer=customer,
                             author=actor, body_text=text, body_html=body_html,
                             email_message_id=email_message_id, created_at=now)
        _store_attachments(message, attachments, now)
        _event(ticket, actor, "created", now, channel=channel)
        search.index_ticket(ticket.id, ticket.workspace_id,
                            " ".join([subject, text, customer.name or "", customer.email or ""]))
    ticket.first_message = message
    return ticket


def add_customer_message(ticket, body, *, now, body_html=None, email_message_id=None, attachments=(), customer=None):
    """A customer's reply on their ticket (or a colleague's: `customer`); it reopens a solved or pending ticket."""
    text = body if body is not None else html_to_text(body_html or "")
    with db.database.atomic():
        message = create_row(Message, workspace=ticket.workspace_id, ticket=ticket, kind=Message.CUSTOMER,
                             customer=customer or ticket.customer_id, body_text=text, body_html=body_html,
                             email_message_id=email_message_id, created_at=now)
        _store_attachments(message, attachments, now)
        if ticket.status in (Status.SOLVED, Status.PENDING):
            _set_status(ticket, None, Status.OPEN, now, reason="customer replied")
        if ticket.snoozed_until is not None:
            end_snooze(ticket, None, now, reason="customer replied")
        ticket.last_customer_activity_at = ticket.updated_at = now
        ticket.message_count += 1
        ticket.preview = preview_of(text)
        ticket.save(only=ticket.dirty_fields)
        search.append_text(ticket.id, ticket.workspace_id, text)
        resolve(CUSTOMER_WROTE)(ticket, message, now=now)
    return message


def end_snooze(ticket, actor, now, *, reason):
    """Bring a snoozed ticket (unsaved) back to the inbox; `woke_at` marks it "back from snooze" there."""
    _event(ticket, actor, "snooze ended", now, reason=reason)
    ticket.snoozed_until = ticket.snoozed_by = None
    ticket.woke_at = ticket.updated_at = now


def reply_refusal(ticket):
    """Why an agent reply on `ticket` would not reach the customer and come back (a REFUSALS key), or None."""
    if not ticket.customer.email:
        return NO_CUSTOMER_EMAIL
    if not resolve(HAS_MAILBOX)(ticket.workspace_id):  # a ticket's own mailbox is one of the workspace's
        return NO_MAILBOX
    return None


def reply(ticket, actor, body, *, now, attachments=(), status_after=None, cc=None, bcc=None, send_at=None):
    """An agent's answer: stored, then emailed to the customer (and `cc`, `bcc`) by a job (with threading headers).

    Refused (`ReplyRefused`) when the customer has no email or the workspace no mailbox. With `send_at` the
    reply waits until then (undo send, `tickets.sending`); the agent's draft of it is removed.
    """
    refusal = reply_refusal(ticket)
    if refusal:
        raise ReplyRefused(refusal)
    body = (body or "").strip()
    if not body:
        raise TicketError("Write a reply first.")
    with db.database.atomic():
        lock_for_reply(ticket)  # a draft save racing this reply runs wholly before or after it
        message = Message.create(workspace=ticket.workspace_id, ticket=ticket, kind=Message.REPLY, author=actor,
                                 body_text=body, delivery_status=Message.QUEUED, created_at=now, cc=cc, bcc=bcc)
        _store_attachments(message, attachments, now)
        discard_draft(ticket, actor)
        if send_at is not None:
            resolve(HOLD_REPLY)(message, send_at, now=now)
        ticket.first_response_at = ticket.first_response_at or now
        ticket.updated_at = now
        ticket.message_count += 1
        ticket.preview = preview_of(body)
        if status_after and status_after != ticket.status:
            _set_status(ticket, actor, status_after, now)
        ticket.save()
        search.append_text(ticket.id, ticket.workspace_id, body)
    if send_at is None:
        enqueue(DELIVER_REPLY_JOB, message.id)
    return message


def add_note(ticket, actor, body, *, now, attachments=()):
    """An internal note: seen by agents only, never emailed."""
    body = (body or "").strip()
    if not body:
        raise TicketError("Write a note first.")
    with db.database.atomic():
        message = Message.create(workspace=ticket.workspace_id, ticket=ticket, kind=Message.NOTE, author=actor,
                                 body_text=body, created_at=now)
        _store_attachments(message, attachments, now)
        ticket.updated_at = now
        ticket.save()
        search.append_text(ticket.id, ticket.workspace_id, body)
    resolve(NOTE_ADDED)(message, actor, now=now)
    return message


def _set_status(ticket, actor, status, now, *, undo=False, **extra):
    """Move the ticket (unsaved) and write the event, which is returned (None when nothing changed).

    `undo` lets an undone bulk close go back to whatever status the ticket had.
    """
    if status not in Status.ALL:
        raise TicketError("Unknown status.")
    if status == ticket.status:
        return None
    if not undo and status not in Status.TRANSITIONS[ticket.status]:
        raise TicketError(f"A {ticket.status} ticket cannot become {status}.")
    event = _event(ticket, actor, "status", now, before=ticket.status, after=status, **extra)
    ticket.status = status
    ticket.solved_at = now if status in (Status.SOLVED, Status.CLOSED) else None
    if ticket.solved_at:  # nothing to come back to
        ticket.snoozed_until = ticket.snoozed_by = None
    ticket.updated_at = now
    return event


def change_status(ticket, actor, status, *, now):
    """Move a ticket through its states (see `Status.TRANSITIONS`)."""
    with db.database.atomic():
        if _set_status(ticket, actor, status, now):
            ticket.save()
    return ticket


def change_priority(ticket, actor, priority, *, now):
    if priority not in Priority.ALL:
        raise TicketError("Unknown priority.")
    if priority != ticket.priority:
        with db.database.atomic():
            _event(ticket, actor, "priority", now, before=ticket.priority, after=priority)
            ticket.priority, ticket.updated_at = priority, now
            ticket.save()
    return ticket


# Built once (core/selects.py): the inbox and the ticket page run it.
_ASSIGNABLE = PreparedSelect(lambda workspace_id: User.select(User.id, User.name, User.email)
                             .join(Membership, on=(Membership.user == User.id))
                             .where(Membership.workspace == workspace_id).order_by(User.name), 1)


def assignable_agents(workspace):
    """Members who can be assigned tickets, by name (one query)."""
    return _ASSIGNABLE.rows(workspace)


def assign(ticket, actor, assignee_id, *, now):
    """Give the ticket to a member of its workspace, or to nobody (`assignee_id` None)."""
    if assignee_id is not None:
        member = (User.select(User.id, User.name).join(Membership, on=(Membership.user == User.id))
                  .where(Membership.workspace == ticket.workspace_id, User.id == assignee_id).first())
        if member is None:
            raise TicketError("Only members of this workspace can be assigned.")
    if assignee_id != ticket.assignee_id:
        with db.database.atomic():
            _event(ticket, actor, "assigned", now, before=ticket.assignee_id, after=assignee_id,
                   name=member.name if assignee_id else None)
            ticket.assignee, ticket.updated_at = assignee_id, now
            ticket.save()
        resolve(TICKET_ASSIGNED)(ticket, actor, assignee_id, now=now)
    return ticket


def normalize_tag(name):
    return re.sub(r"\s+", "-", name.strip().lower())[:64]


def _tag_ids(workspace_id, names):
    ids = []
    for name in {normalize_tag(n) for n in names if normalize_tag(n)}:
        tag = Tag.of(workspace_id).where(Tag.name == name).first()
        if tag is None:
            try:
                with db.database.atomic():
                    tag = Tag.create(workspace=workspace_id, name=name)
            except IntegrityError:
                tag = Tag.of(workspace_id).where(Tag.name == name).get()
        ids.append((tag.id, name))
    return ids


# The tags of up to this many tickets (an inbox page and one more) in one SELECT of that many ids, its text
# built once: with an IN list as long as each page, peewee built it anew every time (a twentieth of the inbox).
TAGS_BATCH = 26
_TAGS_OF = PreparedSelect(lambda *ids: TicketTag.select(TicketTag.ticket, Tag.name).join(Tag)
                          .where(TicketTag.ticket.in_(list(ids))).order_by(Tag.name).tuples(), TAGS_BATCH)


def tags_of(ticket_ids):
    """{ticket id: [tag names]} for many tickets at once (one query for each TAGS_BATCH of them)."""
    result = {ticket_id: [] for ticket_id in ticket_ids}
    ticket_ids = list(result)
    for start in range(0, len(ticket_ids), TAGS_BATCH):
        batch = ticket_ids[start:start + TAGS_BATCH]
        batch += batch[-1:] * (TAGS_BATCH - len(batch))  # the same id again: same rows, a fixed number of ids
        for ticket_id, name in _TAGS_OF.rows(*batch):
            result[ticket_id].append(name)
    return result


def set_tags(ticket, actor, names, *, now):
    """Make the ticket's tags exactly `names` (created in the workspace when new)."""
    wanted = dict(_tag_ids(ticket.workspace_id, names))
    current = dict(TicketTag.select(TicketTag.tag, Tag.name).join(Tag).where(TicketTag.ticket == ticket).tuples())
    added = [wanted[i] for i in wanted.keys() - current.keys()]
    removed = [current[i] for i in current.keys() - wanted.keys()]
    if added or removed:
        with db.database.atomic():
            TicketTag.delete().where(TicketTag.ticket == ticket, TicketTag.tag.in_(list(current.keys() - wanted.keys()))).execute()
            for tag_id in wanted.keys() - current.keys():
                TicketTag.create(workspace=ticket.workspace_id, ticket=ticket, tag=tag_id)
            _event(ticket, actor, "tags", now, added=sorted(added), removed=sorted(removed))
            ticket.updated_at = now
            ticket.save()
    return sorted(wanted.values())


def add_tags(ticket, actor, names, *, now):
    current = tags_of([ticket.id])[ticket.id]
    return set_tags(ticket, actor, current + list(names), now=now)


BULK_ACTIONS = ("assign", "tag", "status", "close")


@dataclass
class BulkResult:
    """How many tickets a bulk change changed, and for a close the events that `undo_close` reverts."""

    changed: int
    closed_events: list


def _close_undoably(ticket, actor, now):
    """Close the ticket; its event keeps what an undo needs (the status before it is already there)."""
    event = _set_status(ticket, actor, Status.CLOSED, now, bulk=True, solved_at_before=ticket.solved_at)
    if event:
        ticket.save()
    return event


def bulk_update(workspace, actor, ticket_ids, action, value, *, now):
    """Apply one change to many tickets of the workspace (see `BulkResult`)."""
    if action not in BULK_ACTIONS:
        raise TicketError("Unknown bulk action.")
    if action == "status" and value == Status.CLOSED:
        action = "close"
    tickets = list(Ticket.of(workspace).where(Ticket.id.in_([int(i) for i in ticket_ids])))
    changed, closed_events = 0, []
    with db.database.atomic():
        for ticket in tickets:
            before = (ticket.status, ticket.assignee_id)
            try:
                if action == "assign":
                    assign(ticket, actor, int(value) if value else None, now=now)
                elif action == "tag":
                    add_tags(ticket, actor, [value], now=now)
                elif action == "status":
                    change_status(ticket, actor, value, now=now)
                else:
                    event = _close_undoably(ticket, actor, now)
                    closed_events += [event.id] if event else []
            except TicketError:
                continue  # e.g. a closed ticket cannot become pending: skip it, change the rest
            changed += (ticket.status, ticket.assignee_id) != before or action == "tag"
    return BulkResult(changed, closed_events)


def undo_close(workspace, actor, event_ids, *, now):
    """Give tickets closed by a bulk close back the status they had; returns how many were restored.

    `event_ids` are the close's events (`BulkResult.closed_events`). A ticket whose status changed
    since then (reopened, closed again) is left as it is.
    """
    events = list(TicketEvent.of(workspace).where(TicketEvent.id.in_([int(i) for i in event_ids]),
                                                  TicketEvent.kind == "status"))
    tickets = {t.id: t for t in Ticket.of(workspace).where(Ticket.id.in_([e.ticket_id for e in events]))}
    latest = dict(TicketEvent.select(TicketEvent.ticket, fn.MAX(TicketEvent.id))
                  .where(TicketEvent.ticket.in_(list(tickets)), TicketEvent.kind == "status")
                  .group_by(TicketEvent.ticket).tuples())
    restored = 0
    with db.database.atomic():
        for event in events:
            details, ticket = event.details, tickets.get(event.ticket_id)
            if (not details.get("bulk") or ticket is None or ticket.status != Status.CLOSED
                    or latest.get(ticket.id) != event.id):
                continue
            _set_status(ticket, actor, details["before"], now, undo=True, reason="undo")
            before = details.get("solved_at_before")
            ticket.solved_at = datetime.fromisoformat(before) if before else None
            ticket.save()
            restored += 1
    return restored


PLACEHOLDERS = ("customer.name", "customer.email", "ticket.number", "ticket.subject", "agent.name")
PLACEHOLDER = re.compile(r"\{\{\s*(" + "|".join(re.escape(name) for name in PLACEHOLDERS) + r")\s*\}\}")
ANY_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)


def fill_placeholders(text, ticket, customer, agent):
    """Replace {{customer.name}}, {{ticket.number}}... in a canned reply."""
    values = {
        "customer.name": customer.name or customer.email or "",
        "customer.email": customer.email or "",
        "ticket.number": str(ticket.number),
        "ticket.subject": ticket.subject,
        "agent.name": agent.name,
    }
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def save_canned_reply(workspace, title, body, *, canned=None):
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise TicketError("A canned reply needs a title and a text.")
    unknown = [name for name in ANY_PLACEHOLDER.findall(body) if name not in PLACEHOLDERS]
    if unknown:
        known = ", ".join("{{%s}}" % name for name in PLACEHOLDERS)
        raise TicketError(f"Unknown placeholder {{{{{unknown[0][:60]}}}}}. The known placeholders are: {known}.")
    if canned is None:
        return CannedReply.create(workspace=workspace, title=title, body=body)
    canned.title, canned.body = title, body
    canned.save()
    return canned


def record_presence(ticket, user, *, replying, now):
    """Note that `user` has the ticket open (and whether they are typing a reply)."""
    updated = (TicketViewer.update(seen_at=now, replying=int(replying))
               .where(TicketViewer.ticket == ticket, TicketViewer.user == user).execute())
    if not updated:
        try:
            with db.database.atomic():
                TicketViewer.create(workspace=ticket.workspace_id, ticket=ticket, user=user,
                                    replying=int(replying), seen_at=now)
        except IntegrityError:
            pass  # the same person in two tabs: the other tab's row counts


def other_viewers(ticket, user, *, now):
    """Others who had this ticket open in the last 30 seconds: [(name, replying)]."""
    return list(TicketViewer.select(User.name, TicketViewer.replying).join(User)
                .where(TicketViewer.ticket == ticket, TicketViewer.user != user,
                       TicketViewer.seen_at > now - PRESENCE_WINDOW).order_by(User.name).tuples())
