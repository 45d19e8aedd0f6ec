"""Notifications: mentions, assignments and customer replies, in a header menu and by email. Pages under /w/<slug>/notifications/."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
