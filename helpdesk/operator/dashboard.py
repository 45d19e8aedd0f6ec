"""The console's dashboard: charts from the daily snapshots, the queue now, the periodic jobs' health.

A fixed number of queries whatever the size of the service: a year of `DailySnapshot` rows, the
`PeriodicRun` rows, and (on Redis) two counts.
"""
from datetime import timedelta

from helpdesk.core.periodic_runs import periodic_status
from helpdesk.jobs import PERIODIC_JOBS
from helpdesk.operator.charts import chart
from helpdesk.operator.snapshots import queue_figures, recent_snapshots
from helpdesk.workspaces.models import Workspace

DAILY_DAYS = 90  # tickets, mail and the queue: the last 90 days, a point per day
WEEKS = 26


def _weekly(snapshots):
    """One snapshot per week (the last of each 7 days, newest last): the year's long charts."""
    return snapshots[::-1][::7][::-1]


def state_chart(snapshots):
    weekly = _weekly(snapshots)
    labels = [s.day.strftime("%d %b") for s in weekly]
    series = [(state, [s.workspaces_by_state.get(state, 0) for s in weekly]) for state in Workspace.STATUSES
              if state != Workspace.DELETED]
    return chart("Workspaces by state", labels, series)


def revenue_chart(snapshots):
    weekly = _weekly(snapshots)
    currencies = sorted({currency for s in weekly for currency in s.mrr_by_currency})
    series = [(currency, [round(s.mrr_by_currency.get(currency, 0) / 100, 2) for s in weekly]) for currency in currencies]
    return chart("Monthly recurring revenue", [s.day.strftime("%d %b") for s in weekly], series,
                 unit=", ".join(currencies))


def trial_chart(snapshots, *, today):
    """Trials started and converted per week (weeks ending on `today`), the last 26 weeks."""
    weeks = [today - timedelta(days=7 * n) for n in range(WEEKS, 0, -1)]
    started, converted = [0] * WEEKS, [0] * WEEKS
    for snapshot in snapshots:
        age = (today - snapshot.day).days
        index = WEEKS - 1 - (age - 1) // 7 if age >= 1 else None
        if index is not None and 0 <= index < WEEKS:
            started[index] += snapshot.trials_started
            converted[index] += snapshot.trials_converted
    labels = [(week + timedelta(days=1)).strftime("%d %b") for week in weeks]
    return chart("Trials per week", labels, [("started", started), ("converted", converted)], kind="bar")


def activity_chart(snapshots):
    daily = snapshots[-DAILY_DAYS:]
    return chart("Tickets and mail per day", [s.day.strftime("%d %b") for s in daily],
                 [("tickets", [s.tickets_created for s in daily]), ("mail", [s.mail_processed for s in daily])])


def queue_chart(snapshots):
    daily = snapshots[-DAILY_DAYS:]
    return chart("Queue depth and failed jobs (daily)", [s.day.strftime("%d %b") for s in daily],
                 [("waiting", [s.queue_depth for s in daily]), ("failed", [s.failed_jobs for s in daily])])


def build_dashboard(*, now):
    snapshots = recent_snapshots(now=now)
    depth, failed = queue_figures()
    periodic = periodic_status(PERIODIC_JOBS, now=now)
    return {
        "latest": snapshots[-1] if snapshots else None,
        "charts": [state_chart(snapshots), revenue_chart(snapshots), trial_chart(snapshots, today=now.date()),
                   activity_chart(snapshots), queue_chart(snapshots)],
        "queue_depth": depth, "failed_jobs": failed, "in_process": depth is None,
        "overdue": [row for row in periodic if row["overdue"]],
    }
