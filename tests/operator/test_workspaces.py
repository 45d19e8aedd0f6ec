"""The console's workspaces: the list (search, filters, keyset pages, fixed queries), the workspace page
with its timeline, and each action at service and view level, written to both logs."""
from datetime import timedelta

import pytest

from bench.querycount import count_queries
from helpdesk.billing.models import Invoice, InvoiceStatus
from helpdesk.billing.services import create_invoice, create_plan, subscribe
from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.operator import services
from helpdesk.operator.directory import list_workspaces
from helpdesk.operator.models import OperatorLogEntry
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import change_status
from tests.billing.helpers import reload, subjects
from tests.conftest import post, sent_mail, sign_in
from tests.factories import make_ticket, make_workspace, owner_of
from tests.operator.helpers import console_client, make_operator


def _plan():
    return create_plan({"name": "Team", "price_per_seat": 1500}, now=utcnow())


def _bank_invoice(workspace, plan, now):
    return create_invoice(workspace, plan, 2, 12, {"name": "Buyer Ltd", "country": "de"}, period_start=now,
                          now=now, seller="Operator GmbH", tax_rate=1900, method="bank")


def _logged(operator, workspace, action):
    """Whether `action` is in the workspace's audit log and in the operator's own log."""
    in_audit = AuditEntry.select().where(AuditEntry.workspace_id == workspace.id, AuditEntry.actor_id == operator.id,
                                         AuditEntry.action == f"operator.{action}").exists()
    in_own = OperatorLogEntry.select().where(OperatorLogEntry.operator == operator,
                                             OperatorLogEntry.workspace_id == workspace.id,
                                             OperatorLogEntry.action == action).exists()
    return in_audit and in_own


def test_the_list_searches_filters_and_pages_in_a_fixed_number_of_queries(app):
    plan = _plan()
    made = [make_workspace(name=f"Team {i:02d}") for i in range(7)]
    subscribe(made[0], plan, seats=4)
    make_ticket(made[0]), make_ticket(made[0])
    change_status(made[1], Workspace.SUSPENDED, now=utcnow(), reason="test")
    with count_queries() as first:
        rows, after = list_workspaces(limit=3)
    assert [w.name for w in rows] == ["Team 06", "Team 05", "Team 04"]
    with count_queries() as last:
        rest, end = list_workspaces(after=list_workspaces(after=after, limit=3)[1], limit=3)
    assert [w.name for w in rest] == ["Team 00"] and end is None
    assert first.count == 1 and last.count == 2
    assert rest[0].plan_name == "Team" and rest[0].seats == 4 and rest[0].tickets == 2
    assert rest[0].last_activity is None
    assert [w.name for w in list_workspaces(state="suspended")[0]] == ["Team 01"]
    assert [w.name for w in list_workspaces(plan_id=plan.id)[0]] == ["Team 00"]
    assert [w.name for w in list_workspaces(search="team 03")[0]] == ["Team 03"]
    assert list_workspaces(search="%")[0] == []  # a LIKE wildcard is a plain character


def test_the_list_filters_by_seats_tickets_paid_until_and_last_sign_in(app):
    from datetime import datetime

    from helpdesk.accounts.models import User

    plan = _plan()
    small, big, busy, quiet = (make_workspace(name=name) for name in ("Small", "Big", "Busy", "Quiet"))
    subscribe(small, plan, seats=2), subscribe(big, plan, seats=40)
    for _ in range(3):
        make_ticket(busy)
    Workspace.update(paid_until=datetime(2027, 1, 10)).where(Workspace.id == small.id).execute()
    Workspace.update(paid_until=datetime(2027, 6, 1)).where(Workspace.id == big.id).execute()
    User.update(last_sign_in_at=datetime(2026, 11, 20)).where(User.id == owner_of(busy).user.id).execute()
    User.update(last_sign_in_at=datetime(2026, 6, 1)).where(User.id == owner_of(quiet).user.id).execute()

    def names(**filters):
        with count_queries() as counter:
            rows, _after = list_workspaces(**filters)
        assert counter.count == 1
        return sorted(w.name for w in rows)
    assert names(seats=(10, None)) == ["Big"] and names(seats=(1, 5)) == ["Small"]
    assert names(tickets=(1, None)) == ["Busy"] and names(tickets=(None, 0)) == ["Big", "Quiet", "Small"]
    assert names(paid_before=datetime(2027, 2, 1)) == ["Small"]
    subscribe(busy, plan, seats=1)
    first, after = list_workspaces(plan_id=plan.id, limit=2)
    assert [w.name for w in first] == ["Busy", "Big"] and [w.name for w in list_workspaces(plan_id=plan.id, after=after)[0]] == ["Small"]
    assert names(inactive_since=datetime(2026, 11, 1)) == ["Big", "Quiet", "Small"]  # never, or not since
    assert names(inactive_since=datetime(2026, 11, 1), seats=(None, 100)) == ["Big", "Small"]

    client, _operator = console_client(app)
    page = client.get("/operator/workspaces/?seats_min=10&paid_before=2027-12-31").get_data(as_text=True)
    assert ">Big<" in page and ">Small<" not in page
    refused = client.get("/operator/workspaces/?seats_min=-1&tickets_min=1&paid_before=soon").get_data(as_text=True)
    assert ">Busy<" in refused and ">Small<" not in refused  # the good filter applies, the bad ones are said
    assert "Not a valid date value." in refused and "Number must be between 0 and 100000." in refused


def test_the_next_page_keeps_the_filters(app):
    import re

    Workspace.insert_many([{"name": f"Team {i}", "slug": f"team-{i}", "status": "trial", "created_at": utcnow()}
                           for i in range(52)]).execute()
    client, _operator = console_client(app)
    page = client.get("/operator/workspaces/?q=Team&state=trial&tickets_max=0").get_data(as_text=True)
    link = re.search(r'href="([^"]*after=[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "tickets_max=0" in link and "q=Team" in link and "state=trial" in link
    rest = client.get(link).get_data(as_text=True)
    assert len(re.findall(r'href="/operator/workspaces/\d+"', rest)) == 2 and ">Team 0<" in rest


def test_the_list_page_shows_hostile_names_escaped(app):
    make_workspace(name="<script>alert(1)</script>")
    client, _operator = console_client(app)
    page = client.get("/operator/workspaces/?q=script").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert client.get("/operator/workspaces/?state=bogus").status_code == 200


def test_the_workspace_page_shows_the_timeline(app):
    workspace = make_workspace(name="Acme")
    plan = _plan()
    invoice = _bank_invoice(workspace, plan, utcnow())
    client, operator = console_client(app)
    with app.app_context():  # the receipt is rendered
        services.mark_invoice_paid(invoice, operator, now=utcnow())
    page = client.get(f"/operator/workspaces/{workspace.id}").get_data(as_text=True)
    for expected in ("signed up", "workspace_status_changed", "invoice_status_changed", "operator.mark_invoice_paid",
                     f"{invoice.number}"):
        assert expected in page
    assert client.get("/operator/workspaces/999999").status_code == 404


def test_extend_a_trial_running_or_ended_without_payment(app):
    now = utcnow()
    workspace = make_workspace(trial_days=3)
    operator = make_operator()
    ends = services.extend_trial(workspace, operator, 10, now=now)
    assert reload(workspace).trial_ends_at == ends and ends > now + timedelta(days=12)
    assert _logged(operator, workspace, "extend_trial")
    change_status(workspace, Workspace.LAPSED, now=now, reason="test")
    services.extend_trial(reload(workspace), operator, 5, now=now + timedelta(days=20))
    assert reload(workspace).status == Workspace.TRIAL
    with pytest.raises(services.OperatorError, match="1 to 90"):
        services.extend_trial(workspace, operator, 91, now=now)


def test_extend_trial_through_the_page(app):
    workspace = make_workspace()
    before = workspace.trial_ends_at
    client, _operator = console_client(app)
    response = post(client, f"/operator/workspaces/{workspace.id}/extend-trial", {"days": "7"})
    assert response.status_code == 302
    assert reload(workspace).trial_ends_at == before + timedelta(days=7)
    refused = post(client, f"/operator/workspaces/{workspace.id}/extend-trial", {"days": "0"})
    assert refused.status_code == 422
    change_status(workspace, Workspace.SUSPENDED, now=utcnow(), reason="test")
    refused = post(client, f"/operator/workspaces/{workspace.id}/extend-trial", {"days": "7"})
    assert refused.status_code == 422 and "only a trial" in refused.get_data(as_text=True)


def test_mark_an_invoice_paid_and_refund_it_through_the_page(app):
    workspace = make_workspace()
    invoice = _bank_invoice(workspace, _plan(), utcnow())
    client, operator = console_client(app)
    base = f"/operator/workspaces/{workspace.id}/invoices/{invoice.number}"
    assert post(client, base + "/mark-paid").status_code == 302
    assert Invoice.get_by_id(invoice.id).status == InvoiceStatus.PAID
    assert reload(workspace).status == Workspace.ACTIVE
    assert _logged(operator, workspace, "mark_invoice_paid")
    unconfirmed = post(client, base + "/refund", {"amount": "100"})
    assert unconfirmed.status_code == 422 and Invoice.get_by_id(invoice.id).refunded == 0
    assert post(client, base + "/refund", {"amount": "100", "confirm": "y"}).status_code == 302
    assert Invoice.get_by_id(invoice.id).refunded == 100
    assert _logged(operator, workspace, "refund")
    # Another workspace's invoice number through this workspace's URL: refused, nothing changes.
    other = make_workspace()
    other_invoice = _bank_invoice(other, invoice.plan, utcnow())
    post(client, f"/operator/workspaces/{workspace.id}/invoices/{other_invoice.number}/mark-paid")
    assert Invoice.get_by_id(other_invoice.id).status == InvoiceStatus.OPEN


def test_a_card_invoice_is_not_marked_paid_by_hand(app):
    workspace = make_workspace()
    invoice = create_invoice(workspace, _plan(), 1, 1, {"name": "B"}, period_start=utcnow(), now=utcnow(),
                             seller="S", tax_rate=0)
    with pytest.raises(services.OperatorError, match="card"):
        services.mark_invoice_paid(invoice, make_operator(), now=utcnow())


def test_suspend_emails_the_reason_and_lifting_restores_the_state(app):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    client, operator = console_client(app)
    assert client.get(f"/operator/workspaces/{workspace.id}/suspend").status_code == 200
    assert post(client, f"/operator/workspaces/{workspace.id}/suspend", {"reason": ""}).status_code == 422
    response = post(client, f"/operator/workspaces/{workspace.id}/suspend", {"reason": "Spam sent from here."})
    assert response.status_code == 302 and reload(workspace).status == Workspace.SUSPENDED
    [mail] = sent_mail(app, to=owner.email)
    assert "Acme was suspended" in mail["Subject"] and "Spam sent from here." in mail.get_body(("plain",)).get_content()
    assert _logged(operator, workspace, "suspend")
    member = app.test_client()
    sign_in(member, owner)
    assert member.get(f"/w/{workspace.slug}/tickets/").status_code == 200  # still readable
    assert post(client, f"/operator/workspaces/{workspace.id}/lift-suspension").status_code == 302
    assert reload(workspace).status == Workspace.TRIAL and _logged(operator, workspace, "lift_suspension")


def test_terminate_asks_for_the_slug_and_emails_the_owner(app):
    workspace = make_workspace(name="Doomed")
    owner = owner_of(workspace).user
    client, operator = console_client(app)
    wrong = post(client, f"/operator/workspaces/{workspace.id}/terminate", {"reason": "Fraud", "slug": "nope"})
    assert wrong.status_code == 422 and reload(workspace).status == Workspace.TRIAL
    done = post(client, f"/operator/workspaces/{workspace.id}/terminate", {"reason": "Fraud", "slug": workspace.slug})
    assert done.status_code == 302 and reload(workspace).status == Workspace.DELETED
    assert subjects(app, owner.email) == ["Doomed was closed"]
    own = OperatorLogEntry.get(OperatorLogEntry.action == "terminate")
    assert own.workspace_slug == workspace.slug  # the operator's log keeps it after the purge


def test_restore_within_14_days_and_the_button_says_why_not_after(app):
    workspace = make_workspace()
    now = utcnow()
    change_status(workspace, Workspace.CANCELLED, now=now, reason="cancelled_by_owner")
    client, operator = console_client(app)
    page = client.get(f"/operator/workspaces/{workspace.id}").get_data(as_text=True)
    assert "Restore the cancelled workspace" in page
    assert post(client, f"/operator/workspaces/{workspace.id}/restore").status_code == 302
    assert reload(workspace).status == Workspace.TRIAL and _logged(operator, workspace, "restore")
    change_status(reload(workspace), Workspace.CANCELLED, now=now - timedelta(days=15), reason="cancelled_by_owner")
    page = client.get(f"/operator/workspaces/{workspace.id}").get_data(as_text=True)
    assert "the 14 days to restore it ended on" in page and "Restore the cancelled workspace" not in page
    post(client, f"/operator/workspaces/{workspace.id}/restore")
    assert reload(workspace).status == Workspace.CANCELLED
