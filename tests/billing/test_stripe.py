"""Stripe Checkout and its webhooks (R9): recorded API answers (`responses`), signed events, no internet."""
import json
import time
from urllib.parse import parse_qs

import responses
import stripe

from helpdesk.billing.models import Invoice, InvoiceStatus, WebhookEvent
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import change_status
from helpdesk.core.clock import utcnow
from tests.billing.helpers import STRIPE_WEBHOOK_SECRET as SECRET, reload
from tests.billing.test_payments import review, setup_trial, start_checkout
from tests.conftest import sign_in

SESSION = {  # trimmed from a real test-mode checkout.session (API 2026-10-28)
    "id": "cs_test_a1Lx9QfZ3yVb7Kp2Wm4Nd6Rt8Hs0Jc5Ge1Uo3Iq", "object": "checkout.session",
    "amount_subtotal": 15262, "amount_total": 15262, "currency": "eur", "livemode": False, "mode": "payment",
    "payment_status": "unpaid", "status": "open", "client_reference_id": "1", "metadata": {"invoice": "1"},
    "url": "https://checkout.stripe.com/c/pay/cs_test_a1Lx9QfZ3yVb7Kp2Wm4Nd6Rt8Hs0Jc5Ge1Uo3Iq#fidkdWxOYHwnPyd1blpxYHZxWjA0",
    "expires_at": 1796371200, "payment_intent": None, "customer_email": "owner@acme.example.com",
}


def event(event_type, obj, event_id="evt_1QpXa2LkdIwHu7ix0aBcDeFg"):
    return json.dumps({"id": event_id, "object": "event", "api_version": "2026-10-28.endive",
                       "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
                       "request": {"id": None, "idempotency_key": None}, "type": event_type,
                       "data": {"object": obj}})


def deliver(client, payload, secret=SECRET, sent=None):
    header = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return client.post("/billing/webhooks/stripe", data=sent or payload, headers={"Stripe-Signature": header},
                       content_type="application/json")


def completed(number=1, amount=15262, event_id="evt_1QpXa2LkdIwHu7ix0aBcDeFg"):
    return event("checkout.session.completed", {
        **SESSION, "client_reference_id": str(number), "metadata": {"invoice": str(number)}, "status": "complete",
        "payment_status": "paid", "payment_intent": "pi_3QpXa1LkdIwHu7ix1Q2w3E4r", "amount_total": amount}, event_id)


def checkout_through_stripe(app, client):
    owner, workspace, plan = setup_trial(app)
    sign_in(client, owner)
    with responses.RequestsMock() as recorded:
        recorded.post("https://api.stripe.com/v1/checkout/sessions", json=SESSION)
        location = start_checkout(client, workspace, plan)
        sent = parse_qs(recorded.calls[0].request.body)
    return workspace, location, sent


def test_r9_a_card_payment_goes_through_stripe_checkout_for_the_invoice_total(app, client, stripe_keys):
    with app.app_context():
        workspace, location, sent = checkout_through_stripe(app, client)
        assert location == SESSION["url"]
        assert sent["mode"] == ["payment"] and sent["line_items[0][price_data][unit_amount]"] == ["15262"]
        assert sent["line_items[0][price_data][currency]"] == ["eur"] and sent["metadata[invoice]"] == ["1"]
        assert sent["payment_intent_data[metadata][invoice]"] == ["1"] and "subscription_data" not in str(sent)
        assert Invoice.get().provider_ref == SESSION["id"]
        assert client.get(f"/billing/test-checkout/{SESSION['id']}").status_code == 404  # no test provider


def test_r9_a_provider_failure_charges_nothing_and_says_so(app, client, stripe_keys):
    with app.app_context():
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        with responses.RequestsMock() as recorded:
            recorded.post("https://api.stripe.com/v1/checkout/sessions", status=500,
                          json={"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}})
            recorded.post("https://api.stripe.com/v1/checkout/sessions", status=500, json={"error": {}})
            recorded.post("https://api.stripe.com/v1/checkout/sessions", status=500, json={"error": {}})
            page = review(client, workspace, plan).get_data(as_text=True)
            gross = page.split('name="expected_gross" value="')[1].split('"')[0]
            response = review(client, workspace, plan, expected_gross=gross)
        assert response.status_code == 302 and Invoice.get().status == InvoiceStatus.OPEN
        assert "could not be reached; nothing was charged" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_r9_the_webhook_applies_each_event_once_and_verifies_its_signature(app, client, stripe_keys):
    with app.app_context():
        workspace, _location, _sent = checkout_through_stripe(app, client)
        assert deliver(client, completed(), secret="whsec_wrong").status_code == 400
        assert deliver(client, completed(), sent=completed(amount=1)).status_code == 400  # altered after signing
        assert reload(workspace).status == Workspace.TRIAL
        first = deliver(client, completed())
        assert first.status_code == 200 and first.json["outcome"] == "paid"
        paid_until = reload(workspace).paid_until
        assert reload(workspace).status == Workspace.ACTIVE and Invoice.get().payment_ref.startswith("pi_3Qp")
        assert deliver(client, completed()).json["outcome"] == "replay: already applied"
        assert deliver(client, completed(event_id="evt_other")).json["outcome"] == "already paid"
        late_failure = event("payment_intent.payment_failed", {
            "id": "pi_3QpXa1LkdIwHu7ix1Q2w3E4r", "object": "payment_intent", "metadata": {"invoice": "1"},
            "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}}, "evt_late")
        assert deliver(client, late_failure).json["outcome"] == "ignored: not open"  # out of order: harmless
        assert reload(workspace).paid_until == paid_until and Invoice.get().status == InvoiceStatus.PAID
        assert WebhookEvent.select().count() == 3


def test_r9_unknown_types_and_unknown_invoices_are_acknowledged(app, client, stripe_keys, caplog):
    with app.app_context():
        assert deliver(client, event("customer.created", {"id": "cus_1", "object": "customer"}, "evt_a")).json == {
            "received": True, "outcome": "ignored: unknown type"}
        response = deliver(client, completed(number=4711, event_id="evt_b"))
        assert response.status_code == 200 and response.json["outcome"] == "unknown invoice"
        assert "names no invoice of ours" in caplog.text


def test_r9_a_payment_for_a_cancelled_workspace_or_a_wrong_amount_is_flagged_for_the_operator(app, client,
                                                                                            stripe_keys):
    with app.app_context():
        workspace, _location, _sent = checkout_through_stripe(app, client)
        assert deliver(client, completed(amount=100, event_id="evt_c")).json["outcome"] == "flagged"
        assert "check and refund" in Invoice.get().flag and reload(workspace).status == Workspace.TRIAL
        change_status(reload(workspace), Workspace.CANCELLED, now=utcnow(), reason="test")
        assert deliver(client, completed(event_id="evt_d")).json["outcome"] == "flagged"
        invoice = Invoice.get()
        assert invoice.status == InvoiceStatus.PAID and "cancelled or deleted workspace" in invoice.flag
        assert reload(workspace).status == Workspace.CANCELLED
