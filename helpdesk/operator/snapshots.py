"""The dashboard's figures: one `DailySnapshot` row per day, written by a periodic job.

The dashboard reads at most a year of these rows and nothing else, so its cost does not grow with
the service. Taking a snapshot is bounded too: workspace states are one grouped count over the
workspaces, and the day's tickets and mail are found by id (ids grow with time, so the first id of
a day is found by a binary search of primary-key lookups) and counted over that id range only.
"""
import json
from collections import namedtuple
from datetime import date, datetime, time, timedelta

from flask import current_app
from peewee import DateField, IntegerField, TextField, fn

from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.extensions import db
from helpdesk.jobs import job, redis_connection
from helpdesk.models import BaseModel
from helpdesk.workspaces.models import TrialClaim, Workspace


class DailySnapshot(BaseModel):
    """What the service looked like on one day (UTC): written once, the day after."""

    day = DateField(unique=True)
    workspaces_by_state = TextField(default="{}")  # JSON {state: count} when the snapshot was taken
    mrr_by_currency = TextField(default="{}")  # JSON {currency: minor units per month} of paid periods
    trials_started = IntegerField(default=0)
    trials_converted = IntegerField(default=0)  # trial -> active moves that day
    tickets_created = IntegerField(default=0)
    mail_processed = IntegerField(default=0)  # fetched messages plus replies sent
    queue_depth = IntegerField(null=True)  # null: jobs ran in-process (no Redis)
    failed_jobs = IntegerField(null=True)

    @property
    def states(self):
        return json.loads(self.workspaces_by_state)

    @property
    def mrr(self):
        return json.loads(self.mrr_by_currency)


def first_id_since(model, moment):
    """The smallest id of `model` created at or after `moment` (None if none): a binary search over
    ids, each step one primary-key lookup, since ids are handed out in creation order."""
    newest = model.select(fn.MAX(model.id)).scalar()
    if newest is None:
        return None
    low, high = model.select(fn.MIN(model.id)).scalar(), newest + 1
    while low < high:
        middle = (low + high) // 2
        row = (model.select(model.id, model.created_at).where(model.id >= middle)
               .order_by(model.id).limit(1).first())
        if row is None or row.created_at >= moment:
            high = middle
        else:
            low = row.id + 1
    return low if low <= newest else None


def count_created_between(model, start, end, *conditions):
    """Rows of `model` created in [start, end), counted over their id range only."""
    first = first_id_since(model, start)
    if first is None:
        return 0
    query = model.select().where(model.id >= first, model.created_at < end, *conditions)
    after = first_id_since(model, end)
    if after is not None:
        query = query.where(model.id < after)
    return query.count()


def monthly_revenue(moment):
    """{currency: minor units per month} of the paid invoices whose period covers `moment`."""
    from helpdesk.billing.models import Invoice, InvoiceStatus

    totals = {}
    paid = (Invoice.select(Invoice.net, Invoice.currency, Invoice.period_start, Invoice.period_end)
            .where(Invoice.status == InvoiceStatus.PAID, Invoice.period_start <= moment,
                   Invoice.period_end > moment))
    for invoice in paid:
        days = max((invoice.period_end - invoice.period_start).total_seconds() / 86400, 1)
        totals[invoice.currency] = totals.get(invoice.currency, 0) + round(invoice.net * 30.44 / days)
    return totals


def queue_figures():
    """(jobs waiting, failed jobs) on RQ, or (None, None) when jobs run in-process."""
    connection = redis_connection()
    if connection is None:
        return None, None
    from rq import Queue
    from rq.registry import FailedJobRegistry

    rq_queue = Queue(current_app.config["QUEUE_NAME"], connection=connection)
    return rq_queue.count, FailedJobRegistry(queue=rq_queue).count


def take_snapshot(day, *, now):
    """Write the snapshot of `day` unless it exists; returns it (the stored one when it did).

    Everything is computed first and written by one insert that ignores a second row for the day,
    so a run killed half-way writes nothing and two runs racing write the day once.
    """
    from helpdesk.mail.models import InboundEmail, OutboundEmail
    from helpdesk.tickets.models import Ticket

    existing = DailySnapshot.get_or_none(DailySnapshot.day == day)
    if existing is not None:
        return existing
    start = datetime.combine(day, time.min)
    end = start + timedelta(days=1)
    states = dict(Workspace.select(Workspace.status, fn.COUNT(Workspace.id))
                  .group_by(Workspace.status).tuples())
    converted = (AuditEntry.select()
                 .where(AuditEntry.action == "workspace_status_changed", AuditEntry.created_at >= start,
                        AuditEntry.created_at < end, AuditEntry.details.contains('"after": "active"'),
                        AuditEntry.details.contains('"before": "trial"')).count())
    depth, failed = queue_figures()
    DailySnapshot.insert(
        day=day, created_at=now, workspaces_by_state=json.dumps(states, sort_keys=True),
        mrr_by_currency=json.dumps(monthly_revenue(end), sort_keys=True),
        trials_started=TrialClaim.select().where(TrialClaim.created_at >= start, TrialClaim.created_at < end).count(),
        trials_converted=converted,
        tickets_created=count_created_between(Ticket, start, end),
        mail_processed=count_created_between(InboundEmail, start, end)
        + count_created_between(OutboundEmail, start, end, OutboundEmail.sent_at.is_null(False)),
        queue_depth=depth, failed_jobs=failed,
    ).on_conflict_ignore().execute()
    return DailySnapshot.get(DailySnapshot.day == day)


@job
def snapshot_daily(now=None):
    """The periodic job (hourly, so a late worker still writes the day soon): yesterday's snapshot, once."""
    now = now or utcnow()
    return take_snapshot(now.date() - timedelta(days=1), now=now)


Snapshot = namedtuple("Snapshot", ["day", "workspaces_by_state", "mrr_by_currency", "trials_started",
                                   "trials_converted", "tickets_created", "mail_processed", "queue_depth",
                                   "failed_jobs"])


def recent_snapshots(*, now, days=365):
    """The last `days` snapshots, oldest first: the dashboard's one read of figures. Plain tuples read
    from the cursor (peewee's conversion parses each day with strptime: most of the read's time), the
    day from its ISO text on SQLite and the JSON read once."""
    since = now.date() - timedelta(days=days)
    columns = [getattr(DailySnapshot, name) for name in Snapshot._fields]
    query = DailySnapshot.select(*columns).where(DailySnapshot.day >= since).order_by(DailySnapshot.day)
    return [Snapshot(day if isinstance(day, date) else date.fromisoformat(day), json.loads(states), json.loads(mrr),
                     *figures)
            for day, states, mrr, *figures in db.database.execute(query)]
