"""The read-only "Your plan" page (R5): state in words with its dates, seats, invoices; owner only."""
from datetime import timedelta

from bench.querycount import count_queries
from helpdesk.billing.services import create_invoice, create_plan, subscribe
from helpdesk.core.clock import utcnow
from helpdesk.workspaces.models import Role, Workspace
from helpdesk.workspaces.services import change_status
from tests.conftest import sign_in
from tests.factories import add_member, make_user, make_workspace


def test_r5_your_plan_tells_the_owner_the_state_and_what_happens_next_with_dates(app, client):
    with app.app_context():
        owner = make_user()
        now = utcnow()
        workspace = make_workspace(owner, name="Acme", now=now)
        plan = create_plan({"name": "Team", "price_per_seat": 1500, "trial_seat_limit": 3}, now=now)
        subscribe(workspace, plan)
        add_member(workspace)
        ends = (now + timedelta(days=14)).strftime("%-d %B %Y")
        sign_in(client, owner)
        page = client.get(f"/w/{workspace.slug}/billing/").get_data(as_text=True)
        assert "Free trial: 13 days left" in page or "Free trial: 14 days left" in page
        assert f"On {ends} the workspace becomes read-only until a plan is paid." in page
        assert "2 of 3" in page and "Team" in page and "See the total" in page

        invoice = create_invoice(workspace, plan, 2, 1, {"name": "Acme"}, period_start=now, now=now, seller="Op",
                                 tax_rate=1900)
        Workspace.update(paid_until=now - timedelta(days=1)).where(Workspace.id == workspace.id).execute()
        change_status(Workspace.get_by_id(workspace.id), Workspace.LAPSED, now=now, since=now - timedelta(days=1),
                      reason="test")
        with count_queries() as counter:
            page = client.get(f"/w/{workspace.slug}/billing/").get_data(as_text=True)
        since = (now - timedelta(days=1)).strftime("%-d %B %Y")
        assert f"Read-only since {since}." in page
        assert "this workspace and all its data will be deleted unless a plan is paid" in page
        assert f">{invoice.number}</a></td>" in page and "35.70 EUR" in page
        assert counter.count <= 12, counter.statements


def test_r5_your_plan_is_not_shown_to_agents_and_admins(app, client):
    with app.app_context():
        workspace = make_workspace()
        admin = add_member(workspace, role=Role.ADMIN).user
        sign_in(client, admin)
        assert client.get(f"/w/{workspace.slug}/billing/").status_code == 404
