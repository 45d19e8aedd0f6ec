"""The admins' help-center settings page, under /w/<slug>/help-center/ (the agents' side), with its custom domain."""
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.helpcenter import domains, services
from helpdesk.helpcenter.contact import answered_counts
from helpdesk.helpcenter.forms import DomainForm, SettingsForm
from helpdesk.workspaces.scope import require_manager

bp = Blueprint("helpcenter_settings", __name__, url_prefix="/help-center")


@bp.before_request
def managers_only():
    require_manager()


def _page(settings, form=None, domain_form=None):
    answered, answered_total = answered_counts(g.workspace)
    form = form or SettingsForm(formdata=None, obj=settings)
    domain_form = domain_form or DomainForm(formdata=None)
    status = 422 if form.errors or domain_form.errors else 200
    return render_template("helpcenter/settings.html", form=form, domain_form=domain_form, settings=settings,
                           records=domains.records_of(settings) if settings.domain else [], domains=domains,
                           answered=answered, answered_total=answered_total), status


def _back_to_domain():
    return redirect(url_for("workspace.helpcenter_settings.edit", _anchor="custom-domain"))


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
    return _page(settings, form=form)


@bp.route("/domain", methods=["POST"])
def set_domain():
    settings = services.help_center_of(g.workspace)
    form = DomainForm()
    if form.validate_on_submit():
        try:
            domains.set_domain(settings, current_user, form.domain.data, now=utcnow())
        except domains.DomainError as error:
            form.domain.errors = [*form.domain.errors, str(error)]
        else:
            flash(_("Domain saved. Create the two DNS records below, then press “Check DNS”."), "success")
            return _back_to_domain()
    return _page(settings, domain_form=form)


@bp.route("/domain/check", methods=["POST"])
def check_domain():
    settings = services.help_center_of(g.workspace)
    if FlaskForm().validate_on_submit() and settings.domain:
        was_verified = settings.verified_domain is not None
        found = domains.check_dns(settings, current_user, resolver=domains.dns_resolver(), now=utcnow())
        if found.outcome == domains.VERIFIED and not was_verified:
            flash(_("%(host)s is verified.", host=domains.display_host(settings.domain)), "success")
        else:
            flash(_("DNS checked; the result is below."), "info")
    return _back_to_domain()


@bp.route("/domain/remove", methods=["GET", "POST"])
def remove_domain():
    """Asks first (GET), removes on the confirming POST."""
    settings = services.help_center_of(g.workspace)
    if not settings.domain:
        return _back_to_domain()
    form = FlaskForm()
    if form.validate_on_submit():
        host = domains.display_host(settings.domain)
        domains.remove_domain(settings, current_user, now=utcnow())
        flash(_("%(host)s was removed: the help center answers at its usual address only.", host=host), "success")
        return _back_to_domain()
    return render_template("helpcenter/domain_remove.html", form=form, settings=settings, domains=domains)
