"""My account: name, time zone, language, email, password, Google, sign out everywhere."""
from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from helpdesk.accounts import bp, sessions
from helpdesk.accounts import profile as account_profile
from helpdesk.accounts import services as accounts
from helpdesk.accounts.forms import ChangePasswordForm, EmailChangeForm, ProfileForm, time_zone_choices
from helpdesk.accounts.views import google_client
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _, ngettext
from helpdesk.core.mailer import send_email
from helpdesk.core.urls import external_url
from helpdesk.extensions import limiter
from helpdesk.workspaces.forms import ConfirmForm


def _profile_form(formdata=True):
    user = current_user
    form = ProfileForm(obj=user) if formdata else ProfileForm(formdata=None, obj=user)
    form.timezone.choices = time_zone_choices(_("The workspace's time zone"))
    form.locale.choices = list(account_profile.LANGUAGES.items())
    form.timezone.data = form.timezone.data or ""
    return form


def _account_page(status=200, **forms):
    forms.setdefault("profile_form", _profile_form(formdata=False))
    forms.setdefault("email_form", EmailChangeForm(formdata=None))
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    return render_template("accounts/account.html", confirm_form=ConfirmForm(), google_ready=google_client() is not None,
                           pending_email=account_profile.pending_email_change(current_user, now=utcnow()), **forms), status


@bp.route("/account")
@login_required
def account():
    return _account_page()


@bp.route("/account/profile", methods=["POST"])
@login_required
def save_profile():
    form = _profile_form()
    if form.validate_on_submit():
        try:
            account_profile.update_profile(current_user, name=form.name.data, timezone=form.timezone.data,
                                           locale=form.locale.data, now=utcnow())
        except accounts.AccountError as error:
            form.timezone.errors.append(str(error))
        else:
            flash(_("Your details are saved."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(422, profile_form=form)


@bp.route("/account/email", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def change_email():
    """Send a confirmation link to the new address; the old one is told. Nothing changes before the click."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            token, new_email = account_profile.request_email_change(
                current_user, form.new_email.data, form.current_password.data, now=utcnow())
        except accounts.AccountError as error:
            form.new_email.errors.append(str(error))
        else:
            send_email(new_email, _("Confirm your new email address"), "change_email", user=current_user,
                       link=external_url("accounts.confirm_email_change", token=token))
            send_email(current_user.email, _("Your email address is about to change"), "email_change_requested",
                       user=current_user, new_email=new_email)
            flash(_("We sent a link to %(email)s. Your address changes when you open it.", email=new_email),
                  "success")
            return redirect(url_for("accounts.account"))
    return _account_page(422, email_form=form)


@bp.route("/account/email/<token>")
def confirm_email_change(token):
    """The link in the new address's mailbox: proves it, then the account moves there (the old one is told)."""
    try:
        user, old_email = account_profile.confirm_email_change(token, now=utcnow())
    except accounts.AccountError as error:
        return render_template("accounts/link_invalid.html", reason=str(error)), 404
    send_email(old_email, _("Your email address was changed"), "email_changed", user=user, old_email=old_email)
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.signin", email=user.email))


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def change_password():
    """Change the password (the current one is asked); the person's other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = accounts.change_password(current_user, form.current_password.data, form.password.data,
                                             now=utcnow())
        except accounts.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            flash(ngettext("Your password is changed. %(num)d other session was signed out.",
                           "Your password is changed. %(num)d other sessions were signed out.", ended), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(422, password_form=form)


@bp.route("/account/google/link", methods=["POST"])
@login_required
@limiter.limit("20 per hour")
def link_google():
    """Go to Google; its answer comes back to the sign-in callback, which links instead of signing in."""
    google = google_client()
    if google is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.account"))
    session["google_link_user"] = current_user.id
    return google.authorize_redirect(external_url("accounts.google_callback"))


@bp.route("/account/google/unlink", methods=["POST"])
@login_required
def unlink_google():
    if ConfirmForm().validate_on_submit():
        try:
            account_profile.unlink_google(current_user, now=utcnow())
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            flash(_("Google is unlinked: sign in with your email and password."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/sign-out-everywhere", methods=["GET", "POST"])
@login_required
def sign_out_everywhere():
    """After a confirmation: end every session of the person, this one included."""
    form = ConfirmForm()
    if form.validate_on_submit():
        now = utcnow()
        accounts.sign_out_everywhere(current_user, now=now)
        sessions.sign_out_browser(current_user, now=now)
        flash(_("You are signed out on every device."), "success")
        return redirect(url_for("accounts.signin"))
    return render_template("accounts/sign_out_everywhere.html", form=form)

