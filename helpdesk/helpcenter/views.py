"""Public help-center pages (thin: the rules live in services.py)."""
from flask import g

from helpdesk.core.render import render
from helpdesk.helpcenter.scope import helpcenter_bp as bp


@bp.get("/")
def home():
    return render("helpcenter/home.html", help_center=g.help_center)
