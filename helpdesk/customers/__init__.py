"""Customers: a workspace's end users, their profiles and merging. Pages under /w/<slug>/customers/."""
from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/customers")

from helpdesk.customers import views  # noqa: E402,F401  (routes register on bp)
