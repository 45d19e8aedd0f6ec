"""Merging two tickets of one customer, and splitting a message off into a ticket of its own.

A merge moves the messages (their attachments follow), events, tags and watchers of one ticket into
the other (a tag or watcher both had is kept once); the merged ticket is closed, points at the other (`Ticket.merged_into`, its page redirects)
and keeps no search document (its words are added to the other's). A split moves one customer
message, with its attachments, into a new ticket of the same customer (both tickets' search
documents are written again). Both write a `TicketEvent` on each ticket and an audit row; mail
threading then follows the moved messages (a merged ticket's [#N] leads to the other).
"""
from peewee import fn

from helpdesk.core import audit
from helpdesk.extensions import db, is_postgres
from helpdesk.tickets import search
from helpdesk.tickets.models import Message, Status, Ticket, TicketEvent, TicketTag, TicketViewer
from helpdesk.tickets.services import TicketError, _event, create_numbered_ticket, preview_of
from helpdesk.tickets.watchers import move_watchers

COUNTED = (Message.CUSTOMER, Message.REPLY)  # what `Ticket.message_count` counts (notes are not)


def merge_candidates(workspace, ticket, limit=20):
    """The customer's other tickets that `ticket` may be merged into, newest first."""
    return list(Ticket.of(workspace)
                .where(Ticket.customer == ticket.customer_id, Ticket.id != ticket.id, Ticket.merged_into.is_null())
                .order_by(Ticket.id.desc()).limit(limit))


def check_merge(source, target):
    """Why `source` cannot go into `target` (TicketError), else nothing."""
    if target is None or source.id == target.id:
        raise TicketError("Choose another ticket of this customer.")
    if source.workspace_id != target.workspace_id or source.customer_id != target.customer_id:
        raise TicketError("Only tickets of the same customer can be merged.")
    if source.merged_into_id or target.merged_into_id:
        raise TicketError("That ticket was already merged into another one.")


def _refresh_counts(ticket, now):
    """Recount the ticket's messages and take its preview and activity times from what it now holds."""
    counted = Message.select().where(Message.ticket == ticket, Message.kind.in_(COUNTED))
    latest = counted.order_by(Message.id.desc()).first()
    ticket.message_count = counted.count()
    ticket.preview = preview_of(latest.body_text) if latest else ""
    last_customer = (Message.select(fn.MAX(Message.created_at))
                     .where(Message.ticket == ticket, Message.kind == Message.CUSTOMER).scalar())
    ticket.last_customer_activity_at = last_customer or ticket.created_at
    ticket.updated_at = now


def _lock_unmerged(*pair):
    """Lock both rows (PostgreSQL; SQLite writes one at a time anyway) and check neither was merged
    meanwhile: two agents merging A into B and B into A at once must not both succeed."""
    rows = Ticket.select(Ticket.id, Ticket.merged_into).where(Ticket.id.in_([t.id for t in pair])).order_by(Ticket.id)
    if is_postgres():
        rows = rows.for_update()
    if any(row.merged_into_id for row in rows):
        raise TicketError("That ticket was already merged into another one.")


def merge_tickets(workspace, actor, source, target, *, now):
    """Move everything of `source` into `target`; `source` is closed and redirects there. Returns `target`."""
    check_merge(source, target)
    with db.database.atomic():
        _lock_unmerged(source, target)
        words = [source.subject, *(m.body_text for m in Message.select(Message.body_text)
                                   .where(Message.ticket == source))]
        moved = Message.update(ticket=target).where(Message.ticket == source).execute()
        TicketEvent.update(ticket=target).where(TicketEvent.ticket == source).execute()
        target_tags = TicketTag.select(TicketTag.tag).where(TicketTag.ticket == target)
        TicketTag.update(ticket=target).where(TicketTag.ticket == source, TicketTag.tag.not_in(target_tags)).execute()
        TicketTag.delete().where(TicketTag.ticket == source).execute()
        move_watchers(source, target)
        TicketViewer.delete().where(TicketViewer.ticket == source).execute()
        _refresh_counts(target, now)
        firsts = [t for t in (target.first_response_at, source.first_response_at) if t]
        target.first_response_at = min(firsts) if firsts else None
        if target.status == Status.CLOSED and source.status != Status.CLOSED:
            target.status, target.solved_at = Status.OPEN, None  # the open question goes on here
        target.save()
        before = source.status
        source.status, source.merged_into, source.message_count, source.preview = Status.CLOSED, target, 0, ""
        source.updated_at = now
        source.save()
        _event(target, actor, "merged", now, number=source.number, subject=source.subject, messages=moved)
        _event(source, actor, "merged_into", now, number=target.number, before=before)
        search.append_text(target.id, target.workspace_id, " ".join(words))
        search.delete_document(source.id)
        audit.record("tickets_merged", now=now, workspace=workspace, actor=actor, merged=source.number,
                     into=target.number, messages=moved)
    return target


def check_split(ticket, message):
    """Why `message` cannot be split off `ticket` (TicketError), else nothing."""
    if message.kind != Message.CUSTOMER:
        raise TicketError("Only a customer's message can be split off into a new ticket.")
    others = Message.select().where(Message.ticket == ticket, Message.id != message.id,
                                    Message.kind.in_(COUNTED)).exists()
    if not others:
        raise TicketError("This is the ticket's only message: there is nothing to split it from.")


def split_message(workspace, actor, ticket, message, subject, *, now):
    """A new ticket of the same customer holding `message` (and its attachments). Returns it."""
    check_split(ticket, message)
    subject = " ".join((subject or "").split())[:300] or ticket.subject
    with db.database.atomic():
        new = create_numbered_ticket(workspace, subject=subject, channel=ticket.channel, customer=ticket.customer_id,
                                     priority=ticket.priority, created_at=now, updated_at=now,
                                     last_customer_activity_at=message.created_at, message_count=1,
                                     preview=preview_of(message.body_text))
        Message.update(ticket=new).where(Message.id == message.id).execute()
        _refresh_counts(ticket, now)
        ticket.save()
        _event(new, actor, "split_from", now, number=ticket.number)
        _event(ticket, actor, "split", now, number=new.number)
        customer = new.customer
        search.index_ticket(new.id, new.workspace_id,
                            " ".join([subject, message.body_text, customer.name or "", customer.email or ""]))
        # The message's words leave the old ticket's document: it is written again from what stays.
        stays = [m.body_text for m in Message.select(Message.body_text).where(Message.ticket == ticket)]
        search.delete_document(ticket.id)
        search.index_ticket(ticket.id, ticket.workspace_id,
                            " ".join([ticket.subject, *stays, customer.name or "", customer.email or ""]))
        audit.record("ticket_split", now=now, workspace=workspace, actor=actor, ticket=ticket.number,
                     new_ticket=new.number, message=message.id)
    return new
