"""The lifecycle job moved through each timeline with an injected clock (R13-R17, R20)."""
from datetime import datetime, timedelta

import pytest

from bench.querycount import count_queries
from helpdesk.accounts.models import User
from helpdesk.billing import lifecycle
from helpdesk.billing.models import Deletion, LifecycleNotice
from helpdesk.billing.services import create_plan, subscribe
from helpdesk.core.audit import AuditEntry
from helpdesk.tickets.models import Message, Ticket
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import WorkspaceError, change_status, may_write
from tests.billing.helpers import START, Clock, reload, subjects
from tests.conftest import sent_mail
from tests.factories import make_ticket, make_user, make_workspace

pytestmark = pytest.mark.usefixtures("app_context")


def trial_workspace(name="Acme", now=START):
    owner = make_user(name="Olga Owner", now=now)
    return make_workspace(owner, name=name, now=now), owner


def make_paid(workspace, until, now):
    """A workspace whose period was paid until `until` (payments come in a later increment)."""
    Workspace.update(paid_until=until).where(Workspace.id == workspace.id).execute()
    workspace = reload(workspace)
    change_status(workspace, Workspace.ACTIVE, now=now, reason="paid")
    return reload(workspace)


def test_r13_trial_over_unpaid_lapses_to_read_only_from_the_end_of_the_trial(app):
    workspace, owner = trial_workspace()
    clock = Clock()
    clock.days(13).run()
    assert reload(workspace).status == Workspace.TRIAL
    clock.days(3).run()  # the job noticed two days late: the lapse still dates from the trial's end
    lapsed = reload(workspace)
    assert lapsed.status == Workspace.LAPSED
    assert lapsed.status_changed_at == START + timedelta(days=14)
    assert not may_write(lapsed, now=clock.now)
    row = AuditEntry.get(AuditEntry.action == "workspace_status_changed")
    assert row.detail_dict["before"] == "trial" and row.detail_dict["after"] == "lapsed"


def test_r13_paid_period_over_unpaid_lapses(app):
    workspace, _owner = trial_workspace()
    workspace = make_paid(workspace, START + timedelta(days=10), START)
    clock = Clock().days(10, hours=1)
    assert clock.run()["lapsed"] == 1
    assert reload(workspace).status == Workspace.LAPSED


def test_r14_owner_is_reminded_7_and_1_days_before_the_trial_ends_and_on_lapse(app):
    workspace, owner = trial_workspace()
    clock = Clock()
    for _day in range(20):  # every day, twice: each email exactly once
        clock.days(1).run()
        clock.run()
    assert subjects(app, owner.email) == [
        "Your trial ends on 15 December 2026",
        "Your trial ends on 15 December 2026",
        "Your workspace is read-only since 15 December 2026",
    ]
    kinds = sorted(n.kind for n in LifecycleNotice.select())
    assert kinds == ["lapsed", "trial_ends_1d", "trial_ends_7d"]
    assert "deleted on 14 January 2027" in sent_mail(app, owner.email)[-1].get_body(("plain",)).get_content()


def test_r14_paid_period_reminders_name_the_paid_period(app):
    workspace, owner = trial_workspace()
    make_paid(workspace, datetime(2027, 3, 1, 9, 0), START)
    Clock(datetime(2027, 2, 22, 10, 0)).run()
    assert subjects(app, owner.email) == ["Your paid period ends on 1 March 2027"]


def test_r14_a_late_job_sends_only_what_is_still_useful_never_a_past_warning(app):
    workspace, owner = trial_workspace()
    clock = Clock()
    clock.days(2).run()  # then the job is down from day 2 until day 13.5: the 7-day reminder's window passed
    clock.days(11, hours=12).run()
    assert subjects(app, owner.email) == ["Your trial ends on 15 December 2026"]
    assert LifecycleNotice.get().kind == "trial_ends_1d"
    clock.days(3).run()  # down again over the trial's end: the lapse notice only, no reminder of a past date
    assert subjects(app, owner.email)[1:] == ["Your workspace is read-only since 15 December 2026"]


def test_r14_a_crash_between_claim_and_send_is_sent_once_by_a_later_run(app, monkeypatch):
    first, first_owner = trial_workspace("First")
    second, second_owner = trial_workspace("Second")
    third, third_owner = trial_workspace("Third")
    real_send = lifecycle.send_email
    calls = []

    def crash_on_second(to, *args, **kwargs):
        calls.append(to)
        if len(calls) == 2:
            raise SystemExit("worker killed")  # not an Exception: the run stops here, like a killed process
        return real_send(to, *args, **kwargs)

    monkeypatch.setattr(lifecycle, "send_email", crash_on_second)
    clock = Clock().days(8)
    with pytest.raises(SystemExit):
        clock.run()
    monkeypatch.setattr(lifecycle, "send_email", real_send)
    clock.days(0, hours=0).run()  # at once: the claim may belong to a run still sending, so wait
    assert [len(subjects(app, o.email)) for o in (first_owner, second_owner, third_owner)] == [1, 0, 1]
    clock.days(0, hours=2).run()
    assert [len(subjects(app, o.email)) for o in (first_owner, second_owner, third_owner)] == [1, 1, 1]
    clock.days(0, hours=2).run()
    assert [len(subjects(app, o.email)) for o in (first_owner, second_owner, third_owner)] == [1, 1, 1]


def test_r16_trial_never_paid_is_deleted_30_days_after_its_end_with_warnings(app):
    workspace, owner = trial_workspace()
    clock = Clock()
    for _day in range(43):
        clock.days(1).run()
        assert reload(workspace).status == Workspace.LAPSED or clock.now < START + timedelta(days=14)
    # Day 44 = trial end (day 14) + 30.
    clock.days(0, hours=1).run()
    assert reload(workspace).status == Workspace.LAPSED
    clock.at(START + timedelta(days=44, minutes=1)).run()
    assert reload(workspace).status == Workspace.DELETED
    assert subjects(app, owner.email)[3:] == [
        "Your workspace will be deleted on 14 January 2027",
        "Your workspace will be deleted on 14 January 2027",
        "Your workspace Acme was deleted",
    ]
    assert Deletion.get().finished_at is not None
    assert User.get_by_id(owner.id).email == owner.email  # R21: the person keeps the account


def test_r15_unpaid_workspace_deleted_after_three_months(app):
    workspace, owner = trial_workspace()
    workspace = make_paid(workspace, datetime(2027, 1, 3, 9, 0), START)
    clock = Clock(datetime(2027, 1, 3, 10, 0))
    clock.run()
    assert reload(workspace).status == Workspace.LAPSED
    while clock.now < datetime(2027, 4, 2, 10, 0):
        clock.days(1).run()
    clock.at(datetime(2027, 4, 3, 8, 0)).run()
    assert reload(workspace).status == Workspace.LAPSED
    clock.at(datetime(2027, 4, 3, 9, 1)).run()
    assert reload(workspace).status == Workspace.DELETED
    assert subjects(app, owner.email) == [
        "Your workspace is read-only since 3 January 2027",
        "Your workspace will be deleted on 3 April 2027",
        "Your workspace will be deleted on 3 April 2027",
        "Your workspace Acme was deleted",
    ]


def test_r15_a_workspace_of_100000_tickets_is_deleted_one_month_after_lapse(app):
    workspace, owner = trial_workspace()
    workspace = make_paid(workspace, datetime(2027, 1, 3, 9, 0), START)
    ticket = make_ticket(workspace)
    Ticket.update(number=100_000).where(Ticket.id == ticket.id).execute()  # the 100,000th ticket
    clock = Clock(datetime(2027, 1, 3, 10, 0))
    clock.run()
    clock.at(datetime(2027, 1, 21, 10, 0)).run()  # 14 days before 3 February
    clock.at(datetime(2027, 2, 3, 8, 0)).run()
    assert reload(workspace).status == Workspace.LAPSED
    clock.at(datetime(2027, 2, 3, 9, 30)).run()
    assert reload(workspace).status == Workspace.DELETED
    assert subjects(app, owner.email)[1:3] == ["Your workspace will be deleted on 3 February 2027"] * 2


def free_workspace(now=START):
    plan = create_plan({"name": "Free", "price_per_seat": 0, "is_free": True, "seat_limit": 2}, now=now)
    workspace, owner = trial_workspace(now=now)
    subscribe(workspace, plan)
    Workspace.update(free_plan=True).where(Workspace.id == workspace.id).execute()
    change_status(reload(workspace), Workspace.ACTIVE, now=now, reason="free_plan")
    return reload(workspace), owner


def test_r17_free_plan_without_sign_in_or_reply_for_60_days_is_terminated_with_warnings(app):
    workspace, owner = free_workspace()
    User.update(last_sign_in_at=START).where(User.id == owner.id).execute()
    clock = Clock()
    assert may_write(workspace, now=clock.now + timedelta(days=59))  # no end date on the free plan
    for _day in range(59):
        clock.days(1).run()
    assert reload(workspace).status == Workspace.ACTIVE
    clock.at(START + timedelta(days=60, minutes=1)).run()
    assert reload(workspace).status == Workspace.DELETED
    assert subjects(app, owner.email) == [
        "Your free workspace will be deleted on 30 January 2027",
        "Your free workspace will be deleted on 30 January 2027",
        "Your workspace Acme was deleted",
    ]


def test_r17_an_agent_reply_keeps_a_free_workspace(app):
    workspace, owner = free_workspace()
    ticket = make_ticket(workspace, now=START)
    clock = Clock()
    clock.days(50).run()  # warned: 14 days before 30 January
    Message.create(workspace=workspace, ticket=ticket, kind=Message.REPLY, author=owner, body_text="Done.",
                   created_at=clock.now)
    for _day in range(59):  # the 60 days start again from the reply: 21 March
        clock.days(1).run()
    assert reload(workspace).status == Workspace.ACTIVE
    clock.days(1, hours=1).run()
    assert reload(workspace).status == Workspace.DELETED
    assert subjects(app, owner.email) == [
        "Your free workspace will be deleted on 30 January 2027",
        "Your free workspace will be deleted on 21 March 2027",
        "Your free workspace will be deleted on 21 March 2027",
        "Your workspace Acme was deleted",
    ]


def test_r20_a_cancelled_workspace_is_purged_14_days_after_cancellation(app):
    workspace, owner = trial_workspace()
    change_status(workspace, Workspace.CANCELLED, now=START, reason="test")
    clock = Clock().days(13, hours=23)
    clock.run()
    assert reload(workspace).status == Workspace.CANCELLED
    clock.days(0, hours=2).run()
    assert reload(workspace).status == Workspace.DELETED
    assert Deletion.get().reason == "cancelled_purged"


def test_state_machine_refuses_moves_it_does_not_list_and_deleted_is_final(app):
    workspace, _owner = trial_workspace()
    change_status(workspace, Workspace.DELETED, now=START, reason="test")
    with pytest.raises(WorkspaceError):
        change_status(workspace, Workspace.ACTIVE, now=START, reason="test")
    stale = Workspace.get_by_id(workspace.id)
    stale.status = Workspace.TRIAL  # a copy read before the move loses the race
    assert change_status(stale, Workspace.ACTIVE, now=START, reason="test") is False
    assert reload(workspace).status == Workspace.DELETED


def test_the_lifecycle_job_runs_the_same_number_of_queries_for_10_or_50_workspaces(app):
    def queries(count):
        for number in range(count):
            trial_workspace(f"Team {count}-{number}", now=START)
        clock = Clock(START + timedelta(days=16))
        clock.run()  # lapses them and sends their notices (a few queries per email)
        with count_queries() as counter:
            clock.run()  # reads them all again: owners, notices, ticket counts, once per page
        return counter.count

    few = queries(10)
    many = queries(40)
    assert Workspace.select().where(Workspace.status == Workspace.LAPSED).count() == 50
    assert few == many, (few, many)
