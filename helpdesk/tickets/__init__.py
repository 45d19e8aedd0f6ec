"""Tickets: the inbox, the ticket page, conversations, canned replies. Pages live under /w/<slug>/tickets/."""
from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
