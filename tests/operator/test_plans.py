"""The console's plans (R11): create, schedule a price change 30+ days ahead, retire 3+ months ahead,
through billing's services; refusals are shown beside the field and change nothing."""
from datetime import timedelta

from helpdesk.billing.models import Plan, PriceChange
from helpdesk.core.clock import utcnow
from helpdesk.operator.models import OperatorLogEntry
from tests.conftest import post
from tests.operator.helpers import console_client


def test_create_schedule_and_retire_a_plan(app):
    client, operator = console_client(app)
    assert client.get("/operator/plans/").status_code == 200
    assert post(client, "/operator/plans/", {"new-name": "Team", "new-price_per_seat": "1500",
                                             "new-currency": "eur"}).status_code == 302
    plan = Plan.get(Plan.name == "Team")
    assert plan.price_per_seat == 1500 and plan.currency == "EUR"
    twice = post(client, "/operator/plans/", {"new-name": "Team", "new-price_per_seat": "1", "new-currency": "EUR"})
    assert twice.status_code == 422 and "already a plan" in twice.get_data(as_text=True)

    soon = (utcnow() + timedelta(days=10)).date().isoformat()
    refused = post(client, f"/operator/plans/{plan.id}/price", {"price_per_seat": "1900", "effective_on": soon})
    assert refused.status_code == 422 and "at least 30 days" in refused.get_data(as_text=True)
    assert not PriceChange.select().exists()
    later = (utcnow() + timedelta(days=40)).date().isoformat()
    assert post(client, f"/operator/plans/{plan.id}/price", {"price_per_seat": "1900", "effective_on": later}).status_code == 302
    assert PriceChange.get().price_per_seat == 1900
    assert Plan.get_by_id(plan.id).price_per_seat == 1500  # the new price applies from the next period

    refused = post(client, f"/operator/plans/{plan.id}/retire", {"retire_on": later})
    assert refused.status_code == 422 and "3 months" in refused.get_data(as_text=True)
    far = (utcnow() + timedelta(days=100)).date().isoformat()
    assert post(client, f"/operator/plans/{plan.id}/retire", {"retire_on": far}).status_code == 302
    assert Plan.get_by_id(plan.id).retire_on is not None
    actions = {e.action for e in OperatorLogEntry.select().where(OperatorLogEntry.operator == operator)}
    assert {"create_plan", "schedule_price_change", "retire_plan"} <= actions
    assert post(client, "/operator/plans/9999/retire", {"retire_on": far}).status_code == 404


def test_rename_a_plan_and_set_its_discounts_per_period(app):
    client, operator = console_client(app)
    post(client, "/operator/plans/", {"new-name": "Team", "new-price_per_seat": "1500", "new-currency": "EUR"})
    post(client, "/operator/plans/", {"new-name": "Business", "new-price_per_seat": "2500", "new-currency": "EUR"})
    plan = Plan.get(Plan.name == "Team")
    page = client.get("/operator/plans/").get_data(as_text=True)
    assert 'id="name-%d"' % plan.id in page and 'value="Team"' in page
    saved = post(client, f"/operator/plans/{plan.id}/edit", {"name": "Team plus", "discount_1": "0", "discount_3": "5",
                                                             "discount_6": "7.5", "discount_12": "12.25"})
    assert saved.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.name == "Team plus" and plan.price_per_seat == 1500
    assert [plan.discount(months) for months in (1, 3, 6, 12)] == [0, 500, 750, 1225]
    assert "12.25" in client.get("/operator/plans/").get_data(as_text=True)
    entry = OperatorLogEntry.get(OperatorLogEntry.action == "edit_plan")
    assert entry.operator_id == operator.id and '"plan": "Team"' in entry.details and "1225" in entry.details

    taken = post(client, f"/operator/plans/{plan.id}/edit", {"name": "Business", "discount_1": "0", "discount_3": "0",
                                                             "discount_6": "0", "discount_12": "0"})
    assert taken.status_code == 422 and "already a plan named Business" in taken.get_data(as_text=True)
    too_much = post(client, f"/operator/plans/{plan.id}/edit", {"name": "Team plus", "discount_1": "101",
                                                                "discount_3": "0", "discount_6": "0", "discount_12": "0"})
    assert too_much.status_code == 422
    unsigned = client.post(f"/operator/plans/{plan.id}/edit", data={"name": "X", "discount_1": "50", "discount_3": "0",
                                                                    "discount_6": "0", "discount_12": "0"})
    assert unsigned.status_code in (400, 422)
    plan = Plan.get_by_id(plan.id)
    assert plan.name == "Team plus" and plan.discount(1) == 0 and plan.discount(12) == 1225
    assert post(client, "/operator/plans/9999/edit", {"name": "X"}).status_code == 404
