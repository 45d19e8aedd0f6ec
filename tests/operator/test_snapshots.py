"""Daily snapshots: the figures of a day, written once (rerun or race), from bounded queries."""
import json
from datetime import datetime, timedelta

from helpdesk.core.audit import AuditEntry
from helpdesk.operator import snapshots
from helpdesk.operator.snapshots import DailySnapshot, count_created_between, first_id_since, take_snapshot
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import change_status
from tests.factories import make_ticket, make_workspace

DAY = datetime(2026, 11, 20)


def test_a_day_counts_its_tickets_trials_and_conversions_only(app_context):
    before = make_workspace(now=DAY - timedelta(days=2))
    make_ticket(before, now=DAY - timedelta(hours=1))
    converted = make_workspace(now=DAY + timedelta(hours=3))
    for hour in (1, 5, 23):
        make_ticket(converted, now=DAY + timedelta(hours=hour))
    make_ticket(converted, now=DAY + timedelta(days=1, minutes=1))
    change_status(converted, Workspace.ACTIVE, now=DAY + timedelta(hours=6), reason="paid")
    change_status(before, Workspace.SUSPENDED, now=DAY + timedelta(hours=7), reason="abuse")

    snapshot = take_snapshot(DAY.date(), now=DAY + timedelta(days=1, hours=1))

    assert snapshot.tickets_created == 3
    assert snapshot.trials_started == 1
    assert snapshot.trials_converted == 1  # the suspension is not a conversion
    assert snapshot.states == {"active": 1, "suspended": 1}
    assert snapshot.queue_depth is None or snapshot.queue_depth >= 0


def test_the_snapshot_job_writes_each_day_once(app_context):
    make_workspace(now=DAY)
    first = snapshots.snapshot_daily(now=DAY + timedelta(days=1, hours=2))
    make_workspace(now=DAY + timedelta(days=1, hours=3))
    again = snapshots.snapshot_daily(now=DAY + timedelta(days=1, hours=4))  # rerun the same day
    assert again.id == first.id and again.states == {"trial": 1}
    assert DailySnapshot.select().count() == 1
    snapshots.snapshot_daily(now=DAY + timedelta(days=2, hours=1))
    assert [s.day for s in DailySnapshot.select().order_by(DailySnapshot.day)] == [
        DAY.date(), (DAY + timedelta(days=1)).date()]


def test_a_second_writer_for_the_same_day_is_ignored(app_context):
    """Two runs racing: both computed, the later insert is ignored (the unique day)."""
    take_snapshot(DAY.date(), now=DAY + timedelta(days=1))
    DailySnapshot.insert(day=DAY.date(), workspaces_by_state=json.dumps({"x": 1})).on_conflict_ignore().execute()
    assert DailySnapshot.get().states == {}


def test_first_id_since_finds_the_boundary_by_primary_key(app_context):
    workspace = make_workspace()
    tickets = [make_ticket(workspace, now=DAY + timedelta(hours=hour)) for hour in range(10)]
    assert first_id_since(Ticket, DAY + timedelta(hours=4, minutes=30)) == tickets[5].id
    assert first_id_since(Ticket, DAY - timedelta(days=1)) == tickets[0].id
    assert first_id_since(Ticket, DAY + timedelta(days=1)) is None
    assert count_created_between(Ticket, DAY + timedelta(hours=2), DAY + timedelta(hours=5)) == 3


def test_monthly_revenue_counts_paid_periods_covering_the_day(app_context):
    from helpdesk.billing.models import Invoice, InvoiceStatus

    workspace = make_workspace()
    common = dict(workspace=workspace, seller="Op", buyer_name="B", plan_name="Team", seats=2, currency="EUR",
                  unit_price=1000, tax_rate=0, tax=0, issued_at=DAY, kind="period")
    Invoice.create(number=1, status=InvoiceStatus.PAID, period_months=12, period_start=DAY - timedelta(days=10),
                   period_end=DAY - timedelta(days=10) + timedelta(days=365), net=24000, gross=24000, **common)
    Invoice.create(number=2, status=InvoiceStatus.OPEN, period_months=1, period_start=DAY, period_end=DAY
                   + timedelta(days=30), net=2000, gross=2000, **common)
    Invoice.create(number=3, status=InvoiceStatus.PAID, period_months=1, period_start=DAY - timedelta(days=60),
                   period_end=DAY - timedelta(days=30), net=2000, gross=2000, **common)
    assert snapshots.monthly_revenue(DAY) == {"EUR": round(24000 * 30.44 / 365)}


def test_the_audit_is_read_by_action_and_day_only(app_context):
    """A conversion the day before is not counted on this day."""
    workspace = make_workspace(now=DAY - timedelta(days=3))
    change_status(workspace, Workspace.ACTIVE, now=DAY - timedelta(minutes=1), reason="paid")
    assert AuditEntry.select().where(AuditEntry.action == "workspace_status_changed").count() == 1
    assert take_snapshot(DAY.date(), now=DAY + timedelta(days=1)).trials_converted == 0
