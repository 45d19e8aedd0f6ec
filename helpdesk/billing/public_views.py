"""Pages outside the workspaces: Stripe's webhook endpoint and the test provider's checkout (R9).

The test checkout page stands in for Stripe's hosted page when no Stripe keys are set: it shows
the amount, offers test cards (one pays, one is declined, one asks for a 3-D Secure challenge)
and reports the outcome as a signed event through the same `webhooks.receive` as Stripe's.
"""
import json
import secrets
import time

import stripe
from flask import abort, redirect, render_template, request, url_for

from helpdesk.billing import public_bp
from helpdesk.billing.models import Invoice, InvoiceStatus
from helpdesk.billing.providers import TestProvider, provider
from helpdesk.billing.status import billing_banner, invoice_statuses, money
from helpdesk.billing.webhooks import BadSignature, receive
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.extensions import csrf

TEST_CARDS = {  # the numbers Stripe's test mode uses for the same outcomes
    "4242424242424242": "pays",
    "4000000000000002": "declined",
    "4000002760003184": "3-D Secure",
}
DECLINED = "Your card was declined."
public_bp.add_app_template_filter(money, "money")
public_bp.add_app_template_global(invoice_statuses)
public_bp.add_app_template_global(billing_banner)
AUTH_FAILED = "We are unable to authenticate your payment method (3-D Secure failed)."


@public_bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: 400 when the signature is wrong, else 200 with what was done."""
    try:
        outcome = receive(request.get_data(), request.headers.get("Stripe-Signature"), now=utcnow())
    except BadSignature:
        return {"error": "signature"}, 400
    return {"received": True, "outcome": outcome}


def _test_invoice(session_id):
    if not isinstance(provider(), TestProvider):
        abort(404)
    invoice = Invoice.get_or_none(Invoice.provider_ref == session_id)
    if invoice is None or invoice.workspace is None:
        abort(404)
    return invoice


def _deliver(invoice, event_type, obj):
    """Sign an event as the provider would and hand it to the webhook door."""
    payload = json.dumps({"id": "evt_test_" + secrets.token_hex(12), "object": "event", "type": event_type,
                          "created": int(time.time()), "livemode": False, "data": {"object": obj}})
    header = stripe.WebhookSignature.generate_signature_header(payload, provider().webhook_secret)
    return receive(payload, header, now=utcnow())


def _pay(invoice, session_id):
    _deliver(invoice, "checkout.session.completed", {
        "id": session_id, "object": "checkout.session", "client_reference_id": str(invoice.number),
        "metadata": {"invoice": str(invoice.number)}, "payment_status": "paid", "status": "complete",
        "payment_intent": "pi_test_" + secrets.token_hex(8), "amount_total": invoice.gross,
        "currency": invoice.currency.lower()})


def _decline(invoice, reason, code):
    _deliver(invoice, "payment_intent.payment_failed", {
        "id": "pi_test_" + secrets.token_hex(8), "object": "payment_intent", "status": "requires_payment_method",
        "metadata": {"invoice": str(invoice.number)},
        "last_payment_error": {"type": "card_error", "code": code, "message": reason}})


def _return_urls(invoice):
    slug = invoice.workspace.slug
    return (url_for("workspace.billing.your_plan", workspace_slug=slug, paid=invoice.number),
            url_for("workspace.billing.your_plan", workspace_slug=slug))


@public_bp.route("/test-checkout/<session_id>", methods=["GET", "POST"])
def test_checkout(session_id):
    """The test provider's hosted page: choose a test card and pay."""
    invoice = _test_invoice(session_id)
    success_url, cancel_url = _return_urls(invoice)
    error = None
    if invoice.status != InvoiceStatus.OPEN:
        return redirect(success_url)
    if request.method == "POST":
        card = request.form.get("card", "").replace(" ", "")
        outcome = TEST_CARDS.get(card)
        if outcome == "pays":
            _pay(invoice, session_id)
            return redirect(success_url)
        if outcome == "3-D Secure":
            return redirect(url_for("billing_public.test_challenge", session_id=session_id))
        if outcome == "declined":
            _decline(invoice, DECLINED, "card_declined")
            error = DECLINED
        else:
            error = _("Use one of the test card numbers shown.")
    return render_template("billing/test_checkout.html", invoice=invoice, error=error, cards=TEST_CARDS,
                           cancel_url=cancel_url, session_id=session_id), 402 if error else 200


@public_bp.route("/test-checkout/<session_id>/challenge", methods=["GET", "POST"])
def test_challenge(session_id):
    """The card issuer's 3-D Secure challenge, as the test provider plays it."""
    invoice = _test_invoice(session_id)
    success_url, cancel_url = _return_urls(invoice)
    if request.method == "POST":
        if request.form.get("answer") == "complete":
            _pay(invoice, session_id)
            return redirect(success_url)
        _decline(invoice, AUTH_FAILED, "payment_intent_authentication_failure")
        return redirect(cancel_url)
    return render_template("billing/test_challenge.html", invoice=invoice, session_id=session_id)
