"""Ticket jobs: the minutely wake-up of snoozed tickets (in `PERIODIC_JOBS`)."""
from helpdesk.core.clock import utcnow
from helpdesk.jobs import job
from helpdesk.tickets.snooze import wake_due_tickets


@job
def wake_snoozed_tickets():
    """Idempotent: a ticket is woken by a conditional update, so a rerun finds nothing left to do."""
    return wake_due_tickets(utcnow())
