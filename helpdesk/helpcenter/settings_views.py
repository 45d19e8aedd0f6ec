"""The admins' help-center settings page, under /w/<slug>/help-center/ (the agents' side)."""
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter import services
from helpdesk.helpcenter.contact import answered_counts
from helpdesk.helpcenter.forms import SettingsForm
from helpdesk.workspaces.scope import require_manager

bp = Blueprint("helpcenter_settings", __name__, url_prefix="/help-center")


@bp.before_request
def managers_only():
    require_manager()


@bp.route("/", methods=["GET", "POST"])
def edit():
    settings = services.help_center_of(g.workspace)
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        logo = form.logo.data.read() if form.logo.data else None
        try:
            services.save_settings(g.workspace, current_user, logo=logo, remove_logo=form.remove_logo.data,
                                   now=utcnow(), **{name: form[name].data for name in services.SETTINGS_FIELDS})
        except services.SettingsError as error:
            form[error.field].errors = [*form[error.field].errors, str(error)]
        else:
            flash(_("Help center settings saved."), "success")
            return redirect(url_for("workspace.helpcenter_settings.edit"))
    answered, answered_total = answered_counts(g.workspace)
    return render_template("helpcenter/settings.html", form=form, settings=settings, answered=answered,
                           answered_total=answered_total), 422 if form.errors else 200
