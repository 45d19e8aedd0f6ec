"""The workspace settings page (owners and admins)."""
from flask import flash, g, redirect, render_template, url_for

from helpdesk.accounts.forms import time_zone_choices
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.workspaces import settings, workspace_bp
from helpdesk.workspaces.forms import WorkspaceSettingsForm
from helpdesk.workspaces.scope import require_manager
from helpdesk.workspaces.services import WorkspaceError


@workspace_bp.route("/settings", methods=["GET", "POST"])
def workspace_settings():
    require_manager()
    workspace = g.workspace
    form = WorkspaceSettingsForm(obj=workspace)
    form.timezone.choices = time_zone_choices(_("UTC (not chosen)"))
    form.timezone.data = form.timezone.data or ""
    error = None
    if form.validate_on_submit():
        try:
            settings.update_settings(workspace, g.membership, name=form.name.data, slug=form.slug.data,
                                     timezone=form.timezone.data, now=utcnow(), business={
                                         "name": form.business_name.data, "address": form.business_address.data,
                                         "country": form.business_country.data, "vat_id": form.business_vat_id.data})
        except WorkspaceError as refused:
            error = str(refused)
        else:
            flash(_("Workspace settings saved."), "success")
            return redirect(url_for("workspace.workspace_settings", workspace_slug=workspace.slug))
    status = 422 if error or form.errors else 200
    return render_template("workspaces/settings.html", form=form, workspace=workspace, error=error), status
