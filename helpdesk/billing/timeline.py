"""The lifecycle's dates, in one place: when periods end, lapse, warnings fall and data is deleted.

The day counts come from the rules (R14-R17, R20); README.md shows them as a table.
"""
from datetime import timedelta

from flask_babel import format_date

from helpdesk.billing.services import add_months
from helpdesk.workspaces.models import Workspace

REMINDER_DAYS = (7, 1)  # R14: before the trial or paid period ends
WARNING_DAYS = (14, 3)  # R15-R17: before a deletion
LAPSED_KEEP_MONTHS = 3  # R15
BIG_WORKSPACE_TICKETS = 100_000  # R15: from this many tickets a lapsed workspace is kept 1 month
BIG_KEEP_MONTHS = 1
NEVER_PAID_KEEP = timedelta(days=30)  # R16: after the end of a trial never paid
FREE_IDLE = timedelta(days=60)  # R17: free plan without an agent's sign-in or reply
RESTORE_WINDOW = timedelta(days=14)  # R20: a cancelled workspace can be restored this long


def long_date(moment):
    """'15 December 2026' in the reader's language."""
    return format_date(moment, "d MMMM y")


def period_end(workspace):
    """When the running trial or paid period ends, or None (free plan, other states)."""
    if workspace.status == Workspace.TRIAL:
        return workspace.trial_ends_at
    if workspace.status == Workspace.ACTIVE and not workspace.free_plan:
        return workspace.paid_until
    return None


def lapse_date(workspace):
    """When the period of a workspace that lapses now ended: the later of trial end and paid-until."""
    return max(moment for moment in (workspace.trial_ends_at, workspace.paid_until, workspace.created_at) if moment)


def deletion_date(workspace, ticket_count):
    """The day a lapsed workspace is deleted: 30 days after a trial never paid (R16), else 3 months
    after the lapse, 1 month with 100,000 tickets or more (R15)."""
    if workspace.paid_until is None:
        return workspace.trial_ends_at + NEVER_PAID_KEEP
    months = BIG_KEEP_MONTHS if ticket_count >= BIG_WORKSPACE_TICKETS else LAPSED_KEEP_MONTHS
    return add_months(workspace.status_changed_at, months)


def purge_date(workspace):
    """The day a cancelled workspace is purged for good (R20)."""
    return workspace.status_changed_at + RESTORE_WINDOW


def window(target, leads, now):
    """The lead (in days) whose window `now` falls in: [target - lead, target - next lead), or None."""
    bounds = [*leads, 0]
    for lead, next_lead in zip(bounds, bounds[1:]):
        if target - timedelta(days=lead) <= now < target - timedelta(days=next_lead):
            return lead
    return None
