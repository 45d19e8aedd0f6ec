"""Accounts: people, sign-up, sign-in (password or Google), email verification, password reset."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from helpdesk.accounts import views  # noqa: E402,F401  (routes register on bp)
