"""Snooze: a ticket hidden from the inbox until a time, back when that time comes or the customer writes.

The periodic job `wake_due_tickets` ends every due snooze with a conditional UPDATE (only a row still
snoozed and due changes), so two runs at once, or a run killed and rerun, wake each ticket once.
A customer's message ends the snooze in `services.add_customer_message`.
"""
from datetime import datetime, time, timedelta, timezone

from helpdesk.extensions import db
from helpdesk.tickets.models import Status, Ticket
from helpdesk.tickets.services import TicketError, _event, end_snooze

WAKE_BATCH = 500
MORNING = time(8, 0)
SNOOZABLE = (Status.OPEN, Status.PENDING)


def presets(now, zone):
    """{"tomorrow": ..., "next_week": ...}: 08:00 tomorrow and next Monday 08:00 in `zone` (a ZoneInfo),
    as naive UTC."""
    local = now.replace(tzinfo=timezone.utc).astimezone(zone)

    def at_morning(day):
        return datetime.combine(day, MORNING, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)

    tomorrow = local.date() + timedelta(days=1)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return {"tomorrow": at_morning(tomorrow), "next_week": at_morning(monday)}


def snooze(ticket, actor, until, *, now):
    """Hide the ticket until `until` (naive UTC, in the future)."""
    if ticket.status not in SNOOZABLE:
        raise TicketError("Only open or pending tickets can be snoozed.")
    if until is None or until <= now:
        raise TicketError("Choose a time in the future.")
    if until > now + timedelta(days=366):
        raise TicketError("Snooze for at most a year.")
    with db.database.atomic():
        _event(ticket, actor, "snoozed", now, until=until.isoformat())
        ticket.snoozed_until, ticket.snoozed_by, ticket.updated_at = until, actor, now
        ticket.save()
    return ticket


def unsnooze(ticket, actor, *, now):
    """The agent brings the ticket back before its time."""
    if ticket.snoozed_until is None:
        return ticket
    with db.database.atomic():
        end_snooze(ticket, actor, now, reason="woken by hand")
        ticket.save()
    return ticket


def wake_due_tickets(now):
    """End every snooze due by `now` (all workspaces); returns how many tickets came back."""
    woken = 0
    while True:
        due = list(Ticket.select().where(Ticket.snoozed_until <= now).order_by(Ticket.snoozed_until)
                   .limit(WAKE_BATCH))
        for ticket in due:
            with db.database.atomic():
                claimed = (Ticket.update(snoozed_until=None, snoozed_by=None, woke_at=now, updated_at=now)
                           .where(Ticket.id == ticket.id, Ticket.snoozed_until == ticket.snoozed_until).execute())
                if claimed:  # another run took it, or the customer wrote meanwhile: nothing twice
                    _event(ticket, None, "snooze ended", now, reason="time")
                    woken += 1
        if len(due) < WAKE_BATCH:
            return woken
