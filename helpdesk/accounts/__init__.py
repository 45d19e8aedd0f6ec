"""Accounts: people, sign-up, sign-in (password or Google), email verification, password reset."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
