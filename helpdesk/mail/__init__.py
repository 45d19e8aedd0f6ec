"""Mail channel: mailboxes in, replies out. Admin pages under /w/<slug>/mailboxes/; the OAuth callback outside."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/mailboxes")
# The fixed OAuth callback address that Google and Microsoft redirect to (not under /w/<slug>/).
oauth_bp = Blueprint("mail_oauth", __name__)
