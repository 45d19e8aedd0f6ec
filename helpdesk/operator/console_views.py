"""The console's home and the operator's own log."""
from flask import g, redirect, render_template, request, url_for

from helpdesk.operator import bp
from helpdesk.operator.log import PAGE, operator_log


@bp.route("/")
def index():
    """The console's home is the dashboard."""
    return redirect(url_for("operator.dashboard"))


@bp.route("/log")
def log():
    """What this operator did, newest first, in keyset pages."""
    before = request.args.get("before", type=int)
    entries = operator_log(g.operator, before=before)
    older = entries[-1].id if len(entries) == PAGE else None
    return render_template("operator/log.html", entries=entries, older=older)
