"""The end user's profile: name, email change (confirmed by a link), password, sign out everywhere."""
from flask import flash, g, redirect, render_template, request, session, url_for

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.errors import error_page
from helpdesk.extensions import limiter
from helpdesk.helpcenter import accounts, profile
from helpdesk.helpcenter.account_views import signed_in_only
from helpdesk.helpcenter.forms import EmailChangeForm, PasswordForm, ProfileForm
from helpdesk.helpcenter.scope import helpcenter_bp as bp


def _profile_page(status=200, **forms):
    forms = {"name_form": ProfileForm(obj=g.end_user), "email_form": EmailChangeForm(prefix="em"),
             "password_form": PasswordForm(prefix="pw"), **forms}
    return render_template("helpcenter/profile.html",
                           needs_current=profile.needs_current_password(g.end_user, now=utcnow()), **forms), status


@bp.route("/profile", methods=["GET", "POST"])
@signed_in_only
def profile_page():
    form = ProfileForm(obj=g.end_user)
    if request.method == "POST":
        if not form.validate_on_submit():
            return _profile_page(422, name_form=form)
        profile.update_name(g.end_user, form.name.data)
        flash(_("Your name was saved."), "success")
        return redirect(url_for("helpcenter.profile_page"))
    return _profile_page()


@bp.post("/profile/email")
@limiter.limit("5 per hour")
@signed_in_only
def change_email():
    form = EmailChangeForm(prefix="em")
    if not form.validate_on_submit():
        return _profile_page(422, email_form=form)
    try:
        new_email = profile.request_email_change(g.help_center, g.end_user, form.new_email.data, now=utcnow())
    except accounts.PortalError as error:
        form.new_email.errors.append(str(error))
        return _profile_page(422, email_form=form)
    flash(_("We sent a link to %(email)s. Your email changes when you open it (within 15 minutes).",
            email=new_email), "success")
    return redirect(url_for("helpcenter.profile_page"))


@bp.route("/profile/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token):
    """GET shows a button (mail scanners open links), POST moves the account to the new address."""
    if request.method == "GET":
        return render_template("helpcenter/email_change_confirm.html")
    try:
        end_user = profile.confirm_email_change(g.help_center, token, now=utcnow())
    except accounts.PortalError as error:
        return error_page(400, str(error))
    flash(_("Your email is now %(email)s.", email=end_user.email), "success")
    signed_in_here = g.end_user is not None and g.end_user.id == end_user.id
    return redirect(url_for("helpcenter.profile_page" if signed_in_here else "helpcenter.sign_in"))


@bp.post("/profile/password")
@limiter.limit("10 per hour")
@signed_in_only
def change_password():
    form = PasswordForm(prefix="pw")
    if not form.validate_on_submit():
        return _profile_page(422, password_form=form)
    try:
        profile.set_password(g.end_user, current_password=form.current_password.data,
                             new_password=form.password.data, now=utcnow())
    except accounts.PortalError as error:
        form.current_password.errors.append(str(error))
        return _profile_page(422, password_form=form)
    flash(_("Your password is saved; your other devices were signed out. You can sign in with it now."), "success")
    return redirect(url_for("helpcenter.profile_page"))


@bp.post("/profile/sign-out-everywhere")
def sign_out_everywhere():
    if g.end_user is not None:
        accounts.sign_out_everywhere(g.end_user, now=utcnow())
    session.pop(accounts.session_key(g.workspace), None)
    return redirect(url_for("helpcenter.home"))
