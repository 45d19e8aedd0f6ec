"""Plans, prices, invoices and `flask billing plans` (R8, R11)."""
from datetime import datetime, timedelta

import pytest

from helpdesk.billing.models import Invoice, InvoiceStatus, LifecycleNotice, Plan, Subscription
from helpdesk.billing.services import (
    BillingError, add_months, change_invoice_status, create_invoice, create_plan, price_at, quote, retire_plan,
    schedule_price_change, subscribe,
)
from helpdesk.config import ConfigError, load_config
from helpdesk.core.audit import AuditEntry
from helpdesk.demo import seed_demo
from helpdesk.workspaces.models import Workspace
from tests.billing.helpers import START, Clock, body_of, subjects
from tests.conftest import sent_mail
from tests.factories import make_user, make_workspace

pytestmark = pytest.mark.usefixtures("app_context")


def team_plan(**values):
    return create_plan({"name": "Team", "price_per_seat": 1500, "discount_3": 500, "discount_12": 1667,
                        **values}, now=START)


def test_r8_price_per_seat_per_month_with_period_discounts_and_tax_on_top(app):
    plan = team_plan()
    assert quote(plan, 3, 1, period_start=START, tax_rate=1900) == {
        "unit_price": 1500, "discount": 0, "net": 4500, "tax_rate": 1900, "tax": 855, "gross": 5355}
    three = quote(plan, 3, 3, period_start=START, tax_rate=1900)
    assert (three["net"], three["tax"], three["gross"]) == (12825, 2437, 15262)  # 13500 - 5 %; tax rounded half up
    assert quote(plan, 2, 12, period_start=START, tax_rate=0)["net"] == 36000 - 6001
    for seats, months in ((0, 1), (2, 2), ("3", 1)):
        with pytest.raises(BillingError):
            quote(plan, seats, months, period_start=START, tax_rate=1900)


def test_r8_tax_rate_setting_is_a_percentage_with_two_decimals_at_most():
    assert load_config({"TAX_RATE": "19"})["TAX_RATE_BP"] == 1900
    assert load_config({"TAX_RATE": "7.7"})["TAX_RATE_BP"] == 770
    assert load_config({})["TAX_RATE_BP"] == 0
    for bad in ("19%", "7.125", "120", "-1"):
        with pytest.raises(ConfigError, match="TAX_RATE"):
            load_config({"TAX_RATE": bad})


def test_r8_invoices_are_numbered_in_sequence_with_seller_buyer_net_tax_gross(app):
    plan = team_plan()
    first = make_workspace(now=START)
    second = make_workspace(now=START)
    buyer = {"name": "Acme GmbH", "address": "Hauptstr. 1\n10115 Berlin", "country": "de", "vat_id": "DE123456789"}
    one = create_invoice(first, plan, 3, 12, buyer, period_start=START, now=START, seller="Operator Ltd",
                         tax_rate=1900)
    two = create_invoice(second, plan, 1, 1, {"name": "Solo"}, period_start=START, now=START, seller="Operator Ltd",
                         tax_rate=1900)
    assert (one.number, two.number) == (1, 2)
    stored = Invoice.get_by_id(one.id)
    assert (stored.seller, stored.buyer_name, stored.buyer_country, stored.buyer_vat_id) == (
        "Operator Ltd", "Acme GmbH", "DE", "DE123456789")
    assert (stored.net, stored.tax, stored.gross) == (44998, 8550, 53548)
    assert stored.period_end == add_months(START, 12) and stored.status == InvoiceStatus.OPEN
    with pytest.raises(BillingError):
        create_invoice(first, plan, 1, 1, {"name": " "}, period_start=START, now=START, seller="x", tax_rate=0)


def test_r12_invoice_states_move_only_along_open_paid_refunded_or_void(app):
    plan = team_plan()
    invoice = create_invoice(make_workspace(now=START), plan, 1, 12, {"name": "Acme"}, period_start=START, now=START,
                             seller="Operator", tax_rate=0)
    with pytest.raises(BillingError):
        change_invoice_status(invoice, InvoiceStatus.REFUNDED, now=START)
    change_invoice_status(invoice, InvoiceStatus.PAID, now=START, method="bank_transfer")
    assert Invoice.get_by_id(invoice.id).paid_at == START
    with pytest.raises(BillingError):
        change_invoice_status(invoice, InvoiceStatus.VOID, now=START)
    change_invoice_status(invoice, InvoiceStatus.REFUNDED, now=START)
    assert Invoice.get_by_id(invoice.id).status == InvoiceStatus.REFUNDED
    assert [e.detail_dict["after"] for e in AuditEntry.select().where(AuditEntry.action == "invoice_status_changed")
            .order_by(AuditEntry.id)] == ["paid", "refunded"]


def test_r11_a_new_price_is_scheduled_30_days_ahead_and_applies_to_periods_bought_from_then(app):
    plan = team_plan()
    with pytest.raises(BillingError, match="30 days"):
        schedule_price_change(plan, 1800, START + timedelta(days=29), now=START)
    effective = START + timedelta(days=30)
    schedule_price_change(plan, 1800, effective, now=START)
    assert price_at(plan, effective - timedelta(seconds=1)) == 1500
    assert price_at(plan, effective) == 1800
    assert quote(plan, 1, 1, period_start=effective + timedelta(days=3), tax_rate=0)["net"] == 1800


def test_r11_owners_on_the_plan_are_emailed_once_of_a_price_change_and_a_retirement(app):
    plan = team_plan()
    other = create_plan({"name": "Other", "price_per_seat": 100}, now=START)
    owner, bystander = make_user(name="Olga Owner"), make_user()
    subscribe(make_workspace(owner, name="Acme", now=START), plan)
    subscribe(make_workspace(bystander, now=START), other)
    schedule_price_change(plan, 1800, datetime(2027, 1, 1, 9, 0), now=START)
    with pytest.raises(BillingError, match="3 months"):
        retire_plan(plan, datetime(2027, 2, 28), now=START)
    retire_plan(plan, datetime(2027, 3, 1, 9, 0), now=START)
    clock = Clock(START + timedelta(hours=1))
    clock.run()
    clock.days(1).run()
    assert sorted(subjects(app, owner.email)) == ["New price from 1 January 2027", "Your plan ends on 1 March 2027"]
    assert subjects(app, bystander.email) == []
    assert "18.00 EUR per agent seat" in "".join(body_of(m) for m in sent_mail(app, owner.email))
    clock.at(datetime(2027, 1, 2)).run()  # the change is in effect: nothing more to announce
    announced = [s for s in subjects(app, owner.email) if s.startswith(("New price", "Your plan ends"))]
    assert len(announced) == 2
    assert LifecycleNotice.select().where(LifecycleNotice.kind.startswith("price_change")).count() == 1


def test_plans_cli_lists_creates_and_edits_plans(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["billing", "plans", "create", "Team", "--price", "1500", "--discount-12", "1667"])
    assert result.exit_code == 0, result.output
    assert "Team: 15.00 EUR per seat per month 12m:-16.67%" in runner.invoke(args=["billing", "plans", "list"]).output
    result = runner.invoke(args=["billing", "plans", "create", "Team", "--price", "100"])
    assert result.exit_code == 1 and "already a plan named Team" in result.output
    result = runner.invoke(args=["billing", "plans", "edit", "Team", "--price", "1800"])
    assert result.exit_code == 1 and "--price-from" in result.output
    result = runner.invoke(args=["billing", "plans", "edit", "Team", "--price", "1800", "--price-from",
                                 "2020-01-01T00:00", "--rename", "Team 2"])
    assert result.exit_code == 1 and "30 days" in result.output
    assert Plan.get().name == "Team"  # a refused edit changes nothing
    result = runner.invoke(args=["billing", "plans", "edit", "Team", "--rename", "Business", "--currency", "usd",
                                 "--bank-transfer-periods", "6,12", "--trial-seat-limit", "5"])
    assert result.exit_code == 0, result.output
    plan = Plan.get()
    assert (plan.name, plan.currency, plan.bank_transfer_months, plan.trial_seat_limit) == (
        "Business", "USD", (6, 12), 5)
    result = runner.invoke(args=["billing", "plans", "edit", "Business", "--bank-transfer-periods", "2"])
    assert result.exit_code == 1 and "Bank transfer periods" in result.output


def test_flask_billing_lifecycle_runs_the_rules_at_the_given_time(app):
    owner = make_user()
    make_workspace(owner, name="Acme", now=START)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["billing", "lifecycle", "--now", "2026-12-08T10:00"])
    assert result.exit_code == 0 and "email trial_ends_7d: 1" in result.output, result.output
    assert runner.invoke(args=["billing", "lifecycle", "--now", "2026-12-08T10:05"]).output.strip() == "nothing due"
    assert runner.invoke(args=["billing", "lifecycle", "--now", "yesterday"]).exit_code == 2


def test_the_demo_workspace_is_on_the_demo_plan(app):
    seed_demo()
    demo = Workspace.get(Workspace.slug == "demo")
    assert [p.name for p in Plan.select()] == ["Team"]
    assert Subscription.of(demo).get().plan.price_per_seat == 1500
