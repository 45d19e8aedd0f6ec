"""Billing and the subscription lifecycle: plans, prices, invoices, lapse, cancellation, deletion (R7-R21)."""
from flask import Blueprint

bp = Blueprint("billing", __name__, url_prefix="/billing")  # under /w/<slug>/ (workspace_pages.py)
# Outside any workspace: the provider's webhooks and the test provider's checkout pages.
public_bp = Blueprint("billing_public", __name__, url_prefix="/billing")
