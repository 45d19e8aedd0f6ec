"""Payment providers: Stripe Checkout, or the built-in test provider when no Stripe keys are set (R9).

Both take the buyer to a hosted checkout page (card data never reaches our pages), both report
the outcome as Stripe-format events signed with the webhook secret, and both refund. The test
provider's checkout page is ours (billing/webhooks.py), so the whole flow works from `make run`;
production refuses to start without Stripe keys (config.py).
"""
import hashlib
import hmac
import secrets

import stripe
from flask import current_app, url_for

TEST_SECRET_PREFIX = "whsec_test_"


class TestProvider:
    """Plays Stripe: a checkout page of our own with test cards, and signed events."""

    name = "test"

    def __init__(self, secret_key):
        digest = hmac.new(secret_key.encode(), b"test payment provider webhooks", hashlib.sha256).hexdigest()
        self.webhook_secret = TEST_SECRET_PREFIX + digest

    def create_checkout(self, invoice, *, success_url, cancel_url):
        """(session id, the URL of the checkout page)."""
        session_id = "cs_test_" + secrets.token_urlsafe(18)
        return session_id, url_for("billing_public.test_checkout", session_id=session_id, _external=True)

    def refund(self, invoice, amount):
        return "re_test_" + secrets.token_hex(8)


class StripeProvider:
    """Stripe Checkout in payment mode: one payment per invoice, never a Stripe subscription."""

    name = "stripe"

    def __init__(self, secret_key, webhook_secret):
        self.client = stripe.StripeClient(secret_key, http_client=stripe.RequestsClient(), max_network_retries=2)
        self.webhook_secret = webhook_secret

    def create_checkout(self, invoice, *, success_url, cancel_url):
        metadata = {"invoice": str(invoice.number)}
        session = self.client.v1.checkout.sessions.create(params={
            "mode": "payment",
            "client_reference_id": str(invoice.number),
            "customer_email": invoice.buyer_email or None,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": invoice.currency.lower(), "unit_amount": invoice.gross,
                "product_data": {"name": describe(invoice)}}}],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
        }, options={"idempotency_key": f"invoice-{invoice.number}-{invoice.provider_ref or 'first'}"})
        return session.id, session.url

    def refund(self, invoice, amount):
        refund = self.client.v1.refunds.create(
            params={"payment_intent": invoice.payment_ref, "amount": amount,
                    "metadata": {"invoice": str(invoice.number)}})
        return refund.id


def describe(invoice):
    """The line a card statement and the checkout page show."""
    what = "seats added" if invoice.kind == "seats" else f"{invoice.period_months} months"
    return f"Invoice {invoice.number}: {invoice.plan_name}, {invoice.seats} seats, {what}"


def provider(app=None):
    """The configured provider: Stripe with both keys set, else the test provider."""
    config = (app or current_app).config
    if config["STRIPE_SECRET_KEY"]:
        return StripeProvider(config["STRIPE_SECRET_KEY"], config["STRIPE_WEBHOOK_SECRET"])
    return TestProvider(config["SECRET_KEY"])
