"""The owner's side: support access on or off (R35) and the workspace's audit log, where every
operator visit and action shows."""
from flask import abort, flash, g, redirect, render_template, request, url_for

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.operator import owner_bp, support
from helpdesk.operator.forms import SupportAccessForm
from helpdesk.workspaces.forms import ConfirmForm
from helpdesk.workspaces.models import Role


@owner_bp.before_request
def owner_only():
    if g.membership.role != Role.OWNER:
        abort(403)


@owner_bp.route("/support-access", methods=["GET", "POST"])
def support_access():
    form, now = SupportAccessForm(), utcnow()
    if form.validate_on_submit():
        row = support.grant(g.workspace, g.membership, form.days.data, now=now)
        flash(_("Support access is on until %(when)s.", when=row.expires_at.strftime("%Y-%m-%d %H:%M UTC")),
              "success")
        return redirect(url_for("workspace.support_access.support_access"))
    status = 422 if request.method == "POST" else 200
    return render_template("operator/owner_support_access.html", form=form, end_form=ConfirmForm(),
                           grant=support.current_grant(g.workspace, now=now)), status


@owner_bp.route("/support-access/end", methods=["POST"])
def end_support_access():
    if support.end(g.workspace, g.membership, now=utcnow()):
        flash(_("Support access is off."), "success")
    return redirect(url_for("workspace.support_access.support_access"))


@owner_bp.route("/audit-log")
def audit_log():
    entries, older = support.audit_log(g.workspace, before=request.args.get("before", type=int))
    return render_template("operator/owner_audit_log.html", entries=entries, older=older)
