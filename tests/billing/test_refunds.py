"""Bank transfer for 12-month periods with `flask billing mark-paid`, and refunds (R9, R12)."""
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pytest
import responses

from helpdesk.billing.models import Invoice, InvoiceStatus
from helpdesk.billing.payments import apply_payment, create_payment_invoice, period_quote
from helpdesk.billing.refunds import policy_amount, refund
from helpdesk.billing.services import BillingError, create_plan
from helpdesk.workspaces.models import Workspace
from tests.billing.helpers import reload
from tests.billing.test_payments import review, setup_trial
from tests.conftest import sign_in
from tests.factories import make_user, make_workspace

DAY = datetime(2026, 12, 2, 9, 0)


def paid_invoice(months=12, method="card"):
    plan = create_plan({"name": "Team", "price_per_seat": 1000}, now=DAY)
    workspace = make_workspace(make_user(), name="Acme", now=DAY)
    _plan, priced = period_quote(workspace, plan.id, 1, months, now=DAY, tax_rate=0)
    invoice = create_payment_invoice(workspace, {"name": "Acme"}, plan, priced, kind="period", method=method,
                                     expected_gross=priced["gross"], now=DAY, seller="Op")
    apply_payment(invoice, now=DAY, payment_ref="pi_3QpXa1LkdIwHu7ix1Q2w3E4r")
    return Invoice.get_by_id(invoice.id)


def test_r9_a_12_month_period_can_be_paid_by_bank_transfer_and_marked_paid_by_the_operator(app, client):
    with app.app_context():
        app.config["BANK_DETAILS"] = ["Operator GmbH", "IBAN DE02 1203 0000 0000 2020 51", "BIC BYLADEM1001"]
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        assert "Bank transfer" in client.get(f"/w/{workspace.slug}/billing/").get_data(as_text=True)
        monthly = review(client, workspace, plan, months="3", method="bank", expected_gross="1")
        assert monthly.status_code == 422
        page = review(client, workspace, plan, months="12", method="bank").get_data(as_text=True)
        gross = page.split('name="expected_gross" value="')[1].split('"')[0]
        assert "to pay by bank transfer" in page
        response = review(client, workspace, plan, months="12", method="bank", expected_gross=gross)
        invoice = Invoice.get()
        assert response.headers["Location"].endswith(f"/billing/invoices/{invoice.number}")
        text = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "IBAN DE02 1203 0000 0000 2020 51" in text and f"Reference: Invoice {invoice.number}" in text
        assert reload(workspace).status == Workspace.TRIAL
        result = app.test_cli_runner().invoke(args=["billing", "mark-paid", str(invoice.number)])
        assert result.exit_code == 0 and "paid" in result.output
        assert reload(workspace).status == Workspace.ACTIVE and Invoice.get().status == InvoiceStatus.PAID
        again = app.test_cli_runner().invoke(args=["billing", "mark-paid", str(invoice.number)])
        assert "already paid" in again.output


def test_r12_the_default_policy_refunds_whole_unused_months_only(app_context):
    invoice = paid_invoice(months=12)  # 120.00 for 12 months
    assert policy_amount(invoice, now=DAY + timedelta(days=40), partial_months=False) == 10 * 1000
    assert policy_amount(invoice, now=DAY + timedelta(days=40), partial_months=True) == 10 * 1000 + 1000 * 22 // 31
    assert policy_amount(invoice, now=DAY - timedelta(days=1), partial_months=False) == 12000
    assert policy_amount(invoice, now=DAY + timedelta(days=400), partial_months=False) == 0


def test_r12_a_card_refund_goes_through_the_provider_and_is_recorded(app, stripe_keys):
    with app.app_context():
        invoice = paid_invoice(months=12)
        runner = app.test_cli_runner()
        with responses.RequestsMock() as recorded:
            recorded.post("https://api.stripe.com/v1/refunds", json={
                "id": "re_3QpXa1LkdIwHu7ix0Zq1W2e3", "object": "refund", "amount": 2500, "currency": "eur",
                "payment_intent": "pi_3QpXa1LkdIwHu7ix1Q2w3E4r", "status": "succeeded"})
            result = runner.invoke(args=["billing", "refund", str(invoice.number), "--amount", "2500"])
            sent = parse_qs(recorded.calls[0].request.body)
        assert result.exit_code == 0, result.output
        assert "refunded 25.00 EUR (through the payment provider)" in result.output
        assert sent["payment_intent"] == ["pi_3QpXa1LkdIwHu7ix1Q2w3E4r"] and sent["amount"] == ["2500"]
        invoice = Invoice.get_by_id(invoice.id)
        assert invoice.refunded == 2500 and invoice.status == InvoiceStatus.PAID
        with responses.RequestsMock() as recorded:
            recorded.post("https://api.stripe.com/v1/refunds", json={"id": "re_2", "object": "refund",
                                                                      "amount": 9500, "status": "succeeded"})
            runner.invoke(args=["billing", "refund", str(invoice.number), "--amount", "99999"])
            assert parse_qs(recorded.calls[0].request.body)["amount"] == ["9500"]  # never more than is left
        assert Invoice.get_by_id(invoice.id).status == InvoiceStatus.REFUNDED
        refused = runner.invoke(args=["billing", "refund", str(invoice.number)])
        assert refused.exit_code != 0 and "only a paid invoice is refunded" in refused.output


def test_r12_nothing_is_refunded_for_a_used_up_period_without_an_amount(app_context):
    invoice = paid_invoice(months=1, method="card")
    with pytest.raises(BillingError, match="Nothing to refund"):
        refund(invoice, now=DAY + timedelta(days=10), provider=None, partial_months=False)
