"""Seats (R10): never more members than paid seats; seats added mid-period are charged pro rata to the day."""
from datetime import datetime, timedelta

import pytest

from helpdesk.billing.models import Invoice
from helpdesk.billing.payments import apply_payment, create_payment_invoice, paid_seats, period_quote, seats_quote
from helpdesk.billing.services import BillingError, create_plan
from helpdesk.core.clock import utcnow
from helpdesk.workspaces.models import Role
from helpdesk.workspaces.services import SeatLimitReached, accept_invitation, invite
from tests.billing.helpers import reload
from tests.conftest import post, sign_in
from tests.factories import add_member, make_user, make_workspace, owner_of

DAY = datetime(2026, 12, 2, 9, 0)


def buy(workspace, plan, seats, months, now):
    _plan, priced = period_quote(workspace, plan.id, seats, months, now=now, tax_rate=0)
    invoice = create_payment_invoice(workspace, {"name": "Acme"}, plan, priced, kind="period", method="card",
                                     expected_gross=priced["gross"], now=now, seller="Op")
    assert apply_payment(invoice, now=now) == "paid"
    return reload(workspace)


def test_r10_a_trial_has_the_plans_trial_seats_and_invitations_past_them_are_refused(app, client):
    with app.app_context():
        create_plan({"name": "Team", "price_per_seat": 1500, "trial_seat_limit": 2}, now=DAY)
        owner = make_user()
        workspace = make_workspace(owner, name="Acme")
        now = utcnow()
        assert paid_seats(workspace, now=now) == 2
        invite(workspace, owner_of(workspace), "one@acme.example.com", Role.AGENT, now=now)
        with pytest.raises(SeatLimitReached, match="2 seats are paid and all are taken"):
            invite(workspace, owner_of(workspace), "two@acme.example.com", Role.AGENT, now=now)
        sign_in(client, owner)
        page = post(client, f"/w/{workspace.slug}/members/invite", {"email": "two@acme.example.com", "role": "agent"})
        text = page.get_data(as_text=True)
        assert page.status_code == 422 and "2 seats are paid and all are taken" in text
        assert f'href="/w/{workspace.slug}/billing/">Buy more seats on Your plan' in text


def test_r10_an_invitation_cannot_be_accepted_once_the_seats_are_full(app_context):
    create_plan({"name": "Team", "price_per_seat": 1500, "trial_seat_limit": 2}, now=DAY)
    workspace = make_workspace(make_user(), name="Acme")
    now = utcnow()
    _invitation, token = invite(workspace, owner_of(workspace), "late@acme.example.com", Role.AGENT, now=now)
    add_member(workspace)  # someone else took the last seat meanwhile (an operator's import, say)
    with pytest.raises(SeatLimitReached, match="no free seat"):
        accept_invitation(token, make_user(email="late@acme.example.com"), now=now)


def test_r10_paid_seats_are_the_seats_bought_and_a_period_needs_a_seat_per_member(app_context):
    plan = create_plan({"name": "Team", "price_per_seat": 1500}, now=DAY)
    workspace = make_workspace(make_user(), name="Acme", now=DAY)
    add_member(workspace)
    add_member(workspace)
    with pytest.raises(BillingError, match="3 members use seats"):
        period_quote(workspace, plan.id, 2, 1, now=DAY, tax_rate=0)
    workspace = buy(workspace, plan, 3, 1, DAY)
    assert paid_seats(workspace, now=DAY + timedelta(days=1)) == 3
    with pytest.raises(SeatLimitReached):
        invite(workspace, owner_of(workspace), "four@acme.example.com", Role.AGENT, now=DAY + timedelta(days=1))


def test_r10_seats_added_mid_period_cost_the_days_left_and_removing_seats_waits_for_the_renewal(app_context):
    plan = create_plan({"name": "Team", "price_per_seat": 1500}, now=DAY)
    workspace = buy(make_workspace(make_user(), name="Acme", now=DAY), plan, 3, 1, DAY)  # 2 Dec - 2 Jan: 31 days
    later = DAY + timedelta(days=21)  # 23 Dec: 10 days left
    _plan, priced = seats_quote(workspace, 2, now=later, tax_rate=1900)
    assert (priced["days_left"], priced["period_days"]) == (10, 31)
    assert priced["net"] == 968  # 2 seats x 15.00 x 10/31 = 9.677...
    assert priced["gross"] == 968 + 184
    invoice = create_payment_invoice(workspace, {"name": "Acme"}, plan, priced, kind="seats", method="card",
                                     expected_gross=priced["gross"], now=later, seller="Op")
    apply_payment(invoice, now=later)
    assert paid_seats(reload(workspace), now=later) == 5
    assert reload(workspace).paid_until == datetime(2027, 1, 2, 9, 0)  # seats do not move the end
    # Fewer seats are chosen when renewing: the running period keeps its five.
    _plan, renewal = period_quote(reload(workspace), plan.id, 1, 1, now=later, tax_rate=0)
    assert renewal["period_start"] == datetime(2027, 1, 2, 9, 0)
    renewed = create_payment_invoice(reload(workspace), {"name": "Acme"}, plan, renewal, kind="period",
                                     method="card", expected_gross=renewal["gross"], now=later, seller="Op")
    apply_payment(renewed, now=later)
    assert paid_seats(reload(workspace), now=later) == 5
    assert paid_seats(reload(workspace), now=datetime(2027, 1, 3)) == 1
    assert reload(workspace).paid_until == datetime(2027, 2, 2, 9, 0)
    assert Invoice.select().count() == 3
