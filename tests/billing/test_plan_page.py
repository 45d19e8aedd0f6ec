"""The read-only "Your plan" page (R5): state in words with its dates, seats, invoices; owner only."""
from datetime import timedelta

from bench.querycount import count_queries
from helpdesk.billing.services import create_invoice, create_plan, subscribe
from helpdesk.core.clock import utcnow
from helpdesk.workspaces.models import Membership, Role, Workspace
from helpdesk.workspaces.services import change_status
from tests.conftest import post, sign_in
from tests.factories import DEFAULT_PASSWORD, add_member, make_user, make_workspace


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


def test_r5_the_owner_grants_an_admin_billing_on_the_members_page(app, client):
    with app.app_context():
        owner = make_user()
        workspace = make_workspace(owner, name="Acme")
        admin = add_member(workspace, role=Role.ADMIN)
        agent = add_member(workspace, role=Role.AGENT)
    sign_in(client, owner)
    members = client.get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    assert f'id="may-bill-{admin.id}"' in members and f'id="may-bill-{agent.id}"' not in members
    post(client, f"/w/{workspace.slug}/members/{admin.id}/billing", {"may_bill": "y"})
    other = app.test_client()
    sign_in(other, admin.user)
    page = other.get(f"/w/{workspace.slug}/billing/")
    assert page.status_code == 200 and "Your trial ends on" in page.get_data(as_text=True)
    post(other, f"/w/{workspace.slug}/members/{admin.id}/billing", {})
    assert Membership.get_by_id(admin.id).may_bill  # an admin cannot change grants: only the owner
    post(client, f"/w/{workspace.slug}/members/{admin.id}/billing", {})
    assert other.get(f"/w/{workspace.slug}/billing/").status_code == 404


def test_r18_cancelling_on_your_plan_needs_the_password_and_the_name(app, client):
    with app.app_context():
        owner = make_user()
        workspace = make_workspace(owner, name="Acme Support")
        sign_in(client, owner)
        url = f"/w/{workspace.slug}/billing/cancel"
        wrong = post(client, url, {"workspace_name": "Acme Support", "password": "nope"})
        assert wrong.status_code == 422 and "password is not right" in wrong.get_data(as_text=True)
        wrong = post(client, url, {"workspace_name": "Acme", "password": DEFAULT_PASSWORD})
        assert wrong.status_code == 422 and "Type the workspace&#39;s name, Acme Support" in wrong.get_data(as_text=True)
        assert Workspace.get_by_id(workspace.id).status == Workspace.TRIAL
        done = post(client, url, {"workspace_name": "acme support", "password": DEFAULT_PASSWORD})
        assert done.status_code == 302 and Workspace.get_by_id(workspace.id).status == Workspace.CANCELLED
        assert client.get(f"/w/{workspace.slug}/").status_code == 404  # R19


def test_r14_the_banner_tells_the_payer_the_dates_and_others_the_state(app, client):
    now = utcnow()
    with app.app_context():
        owner = make_user()
        workspace = make_workspace(owner, name="Acme", now=now)
        agent = add_member(workspace).user
    sign_in(client, owner)
    ends = (now + timedelta(days=14)).strftime("%-d %B %Y")
    assert f"Your trial ends on {ends}." in client.get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    since = now - timedelta(days=2)
    with app.app_context():
        Workspace.update(trial_ends_at=since).where(Workspace.id == workspace.id).execute()
        change_status(Workspace.get_by_id(workspace.id), Workspace.LAPSED, now=now, since=since, reason="test")
    page = client.get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    deleted_on = (since + timedelta(days=30)).strftime("%-d %B %Y")
    assert (f"Read-only since {since.strftime('%-d %B %Y')}: this workspace and all its data will be deleted on "
            f"{deleted_on} unless a plan is paid.") in page and "Pay on Your plan" in page
    other = app.test_client()
    sign_in(other, agent)
    page = other.get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    assert "you can read and export, but not reply or edit" in page and "Pay on Your plan" not in page
