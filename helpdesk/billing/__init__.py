"""Billing and the subscription lifecycle: plans, prices, invoices, lapse, cancellation, deletion (R7-R21)."""
from flask import Blueprint

bp = Blueprint("billing", __name__, url_prefix="/billing")  # under /w/<slug>/ (workspace_pages.py)
