"""Fixtures of the billing tests."""
import pytest

from tests.billing.helpers import STRIPE_WEBHOOK_SECRET


@pytest.fixture
def stripe_keys(app, monkeypatch):
    """Stripe as the payment provider (its API answers are recorded with `responses`)."""
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_51NzTestKeyForRecordedResponses")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET)
