"""Account pages. Views validate, call one service, and render."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from itsdangerous import BadSignature

from helpdesk.accounts import bp, sessions
from helpdesk.accounts import profile as account_profile
from helpdesk.accounts import services as accounts
from helpdesk.accounts.forms import (
    CompleteSignUpForm,
    EmailOnlyForm,
    NewPasswordForm,
    SignInForm,
    SignUpForm,
)
from helpdesk.accounts.models import AccountToken
from helpdesk.accounts.throttle import SignInDelayed
from helpdesk.core.clock import utcnow
from helpdesk.core.formstamps import make_stamp, read_stamp
from helpdesk.core.i18n import gettext as _, ngettext
from helpdesk.core.mailer import send_email
from helpdesk.core.urls import external_url
from helpdesk.extensions import db, limiter
from helpdesk.workspaces import services as workspaces


def _filled_too_fast(stamp):
    """R2: a sign-up sent sooner than a person could type it, or with a forged stamp."""
    try:
        _, seconds = read_stamp("signup-started", stamp)
    except BadSignature:
        return True
    return seconds < current_app.config["SIGNUP_MIN_SECONDS"]


def send_verification(user, now):
    token = accounts.issue_token(user, AccountToken.VERIFY_EMAIL, now=now)
    send_email(user.email, _("Confirm your email address"), "verify_email",
               user=user, link=external_url("accounts.verify", token=token))


def _safe_next(target):
    """`target` when it is a path of this site, else None: the only place sign-in sends people on to.

    Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so
    `/<TAB>/evil.example` or `/\\evil.example` would lead to another site: any such character,
    anything outside printable ASCII (our own links are percent-encoded), and a second leading
    slash are refused.
    """
    if not target or target[:1] != "/" or target[1:2] == "/":
        return None
    if any(not "!" <= char <= "~" or char == "\\" for char in target):
        return None
    return target


def wait_phrase(seconds):
    """How long an account must wait (`accounts.throttle`), in words: "30 seconds", "4 minutes"."""
    if seconds < 120:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", -(-seconds // 60))


def _wait_message(seconds):
    """The answer to a sign-in attempt on an account that must wait (`accounts.throttle`)."""
    return _("Too many wrong passwords for this account. Try again in %(wait)s, or reset your password.",
             wait=wait_phrase(seconds))


def home_for(user):
    """Where a signed-in person lands: their first workspace, or the page to create one."""
    joined = workspaces.memberships_of(user.id)
    if joined:
        return url_for("workspace.home", workspace_slug=joined[0].workspace.slug)
    return url_for("accounts.welcome")


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("accounts/landing.html")


@bp.route("/terms")
def terms():
    return render_template("accounts/terms.html")


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    form = SignUpForm()
    if form.validate_on_submit():
        if form.website.data or _filled_too_fast(form.started.data):
            flash(_("That was quicker than a person can type. Please check the form and send it again."), "error")
        else:
            now = utcnow()
            try:
                with db.database.atomic():
                    user = accounts.create_user(form.name.data, form.email.data, form.password.data, now=now,
                                                terms_version=current_app.config["TERMS_VERSION"])
                    _workspace, trial = workspaces.create_workspace(user, form.workspace_name.data, now=now,
                                                           trial_days=current_app.config["TRIAL_DAYS"])
            except (accounts.AccountError, workspaces.WorkspaceError) as error:
                form.email.errors.append(str(error))
            else:
                send_verification(user, now)
                session["trial_refused"] = not trial
                return redirect(url_for("accounts.check_email", email=user.email))
    form.started.data = make_stamp("signup-started", "signup")
    return render_template("accounts/signup.html", form=form), 422 if form.errors else 200


@bp.route("/signup/check-email")
def check_email():
    return render_template("accounts/check_email.html", email=request.args.get("email", ""),
                           trial_refused=session.pop("trial_refused", False), form=EmailOnlyForm())


@bp.route("/verify/<token>")
def verify(token):
    try:
        user = accounts.verify_email(token, now=utcnow())
    except accounts.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.resend_verification"))
    flash(_("Your email address is confirmed. Welcome!"), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(home_for(user))
    return redirect(url_for("accounts.signin", email=user.email))


@bp.route("/verify/resend", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
        if user and not user.is_verified:
            send_verification(user, utcnow())
        # The same answer whether or not the address has an account.
        flash(_("If that address needs confirming, a new link is on its way."), "success")
        return redirect(url_for("accounts.signin"))
    return render_template("accounts/resend.html", form=form)


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def signin():
    form = SignInForm(email=request.args.get("email"))
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = accounts.authenticate(form.email.data, form.password.data, now=now)
        except SignInDelayed as delayed:
            form.password.errors.append(_wait_message(delayed.seconds))
            return render_template("accounts/signin.html", form=form), 429, {"Retry-After": str(delayed.seconds)}
        except accounts.AccountError as error:
            form.password.errors.append(str(error))
        else:
            sessions.sign_in_browser(user, method="password", remember=form.remember.data, now=now)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("accounts/signin.html", form=form), 422 if form.errors else 200


@bp.route("/signout", methods=["POST"])
def signout():
    if current_user.is_authenticated:
        sessions.sign_out_browser(current_user, now=utcnow())
    flash(_("You are signed out."), "success")
    return redirect(url_for("accounts.signin"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def request_reset():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
        if user:
            token = accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=utcnow())
            send_email(user.email, _("Reset your password"), "reset_password",
                       user=user, link=external_url("accounts.reset", token=token))
        flash(_("If an account uses that address, a reset link is on its way. It works once, for one hour."),
              "success")
        return redirect(url_for("accounts.signin"))
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset(token):
    now = utcnow()
    form = NewPasswordForm()
    try:
        accounts.check_token(token, AccountToken.RESET_PASSWORD, now=now)
        if form.validate_on_submit():
            accounts.reset_password(token, form.password.data, now=now)
            flash(_("Your password is changed and every device was signed out. Sign in with the new one."),
                  "success")
            return redirect(url_for("accounts.signin"))
    except accounts.AccountError as error:
        return render_template("accounts/link_invalid.html", reason=str(error)), 404
    return render_template("accounts/reset.html", form=form), 422 if form.errors else 200


@bp.route("/welcome", methods=["GET", "POST"])
@login_required
def welcome():
    """Create a workspace: after a first Google sign-in, or another one later."""
    form = CompleteSignUpForm()
    if form.validate_on_submit():
        now = utcnow()
        accounts.accept_terms(current_user, now=now, terms_version=current_app.config["TERMS_VERSION"])
        try:
            workspace, trial = workspaces.create_workspace(current_user, form.workspace_name.data, now=now,
                                                           trial_days=current_app.config["TRIAL_DAYS"])
        except workspaces.WorkspaceError as error:
            form.workspace_name.errors.append(str(error))
        else:
            if not trial:
                flash(_("This email or company already had a free trial, so this workspace starts "
                        "without one. Choose a plan to start working."), "warning")
            return redirect(url_for("workspace.home", workspace_slug=workspace.slug))
    return render_template("accounts/welcome.html", form=form), 422 if form.errors else 200


def google_client():
    """The Google OpenID Connect client, or None when GOOGLE_CLIENT_ID is not set."""
    registry = current_app.extensions.get("authlib.integrations.flask_client")  # OAuth(app) in create_app
    return registry.create_client("google") if registry else None


@bp.route("/signin/google")
@limiter.limit("20 per minute")
def google_signin():
    google = google_client()
    if google is None:
        return render_template("errors/error.html", code=404,
                               message=_("Sign-in with Google is not set up on this server.")), 404
    return google.authorize_redirect(external_url("accounts.google_callback"))


@bp.route("/signin/google/callback")
def google_callback():
    google = google_client()
    if google is None:
        return redirect(url_for("accounts.signin"))
    # Set by "Link Google" on the account page: this answer links, it does not sign in.
    linking = session.pop("google_link_user", None)
    try:
        token = google.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        profile = google.userinfo(token=token)
        if claims and profile.get("sub") != claims.get("sub"):
            raise accounts.AccountError(_("Google answered for a different account."))
        claims.update(profile)
        if linking:
            if not current_user.is_authenticated or current_user.id != linking:
                raise accounts.AccountError(_("Sign in again to link Google to your account."))
            account_profile.link_google(current_user, claims, now=utcnow())
            flash(_("Google is linked: you can sign in with it."), "success")
            return redirect(url_for("accounts.account"))
        user, created = accounts.sign_in_with_google(claims, now=utcnow())
    except accounts.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.account" if linking else "accounts.signin"))
    except Exception as error:  # a denied consent or a provider error ends here
        current_app.logger.warning("Google sign-in failed: %s", error)
        flash(_("Google sign-in did not complete. Please try again."), "error")
        return redirect(url_for("accounts.account" if linking else "accounts.signin"))
    sessions.sign_in_browser(user, method="google", now=utcnow())
    return redirect(url_for("accounts.welcome") if created else home_for(user))
