"""Provider events: verified, stored by id so each applies once, then applied (R9).

`receive(payload, signature)` is the one door for Stripe's webhooks and the test provider's
events alike. Replays are acknowledged without effect; out-of-order events are harmless because
each one only moves an invoice forward (a decline after the payment changes nothing); unknown
types are acknowledged and ignored; an event for an unknown invoice is logged and acknowledged.
"""
import json
import logging

import stripe
from peewee import IntegrityError

from helpdesk.billing.models import Invoice, WebhookEvent
from helpdesk.billing.payments import apply_payment, record_decline
from helpdesk.billing.providers import provider
from helpdesk.extensions import db

log = logging.getLogger(__name__)
TOLERANCE_SECONDS = 300  # Stripe's: an older signature is refused (replayed capture)


class BadSignature(Exception):
    """The payload is not signed with our webhook secret."""


def _invoice_of(obj):
    number = (obj.get("metadata") or {}).get("invoice") or obj.get("client_reference_id")
    if not str(number or "").isdigit():
        return None
    return Invoice.get_or_none(Invoice.number == int(number))


def _checkout_paid(obj, now):
    if obj.get("payment_status") not in ("paid", "no_payment_required"):
        return "waiting"  # an asynchronous method: checkout.session.async_payment_succeeded follows
    invoice = _invoice_of(obj)
    if invoice is None:
        return "unknown invoice"
    return apply_payment(invoice, now=now, payment_ref=obj.get("payment_intent"), amount=obj.get("amount_total"),
                         currency=obj.get("currency"))


def _payment_failed(obj, now):
    invoice = _invoice_of(obj)
    if invoice is None:
        return "unknown invoice"
    error = obj.get("last_payment_error") or {}
    reason = error.get("message") or "The payment failed."
    return "declined" if record_decline(invoice, reason, now=now) else "ignored: not open"


def _session_failed(obj, now):
    invoice = _invoice_of(obj)
    if invoice is None:
        return "unknown invoice"
    record_decline(invoice, "The bank transfer or delayed payment failed.", now=now)
    return "declined"


HANDLERS = {
    "checkout.session.completed": _checkout_paid,
    "checkout.session.async_payment_succeeded": _checkout_paid,
    "checkout.session.async_payment_failed": _session_failed,
    "payment_intent.payment_failed": _payment_failed,
}


def receive(payload, signature, *, now):
    """Verify and apply one event; returns the outcome in words (always acknowledged once verified)."""
    try:
        stripe.WebhookSignature.verify_header(payload, signature, provider().webhook_secret, TOLERANCE_SECONDS)
        event = json.loads(payload)
        event_id, event_type, obj = event["id"], event["type"], event["data"]["object"]
    except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as error:
        raise BadSignature(str(error)) from None
    handler = HANDLERS.get(event_type)
    try:
        with db.database.atomic():
            stored = WebhookEvent.create(event_id=event_id, type=event_type[:100], outcome="applying", created_at=now)
            outcome = handler(obj, now) if handler else "ignored: unknown type"
            stored.outcome = outcome
            stored.save()
    except IntegrityError:
        return "replay: already applied"
    if outcome == "unknown invoice":
        log.warning("webhook %s (%s) names no invoice of ours: acknowledged", event_id, event_type)
    return outcome
