"""The second factor: set up at the first console visit, passed at each sign-in."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.accounts.views import _safe_next
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.extensions import limiter
from helpdesk.operator import access, bp
from helpdesk.operator.forms import CodeForm
from helpdesk.operator.log import record_action

# Codes are 6 digits: a guesser must be slowed down (per address here; every failure is audited).
CODE_LIMIT = "10 per 5 minutes"


def _after_second_factor():
    return redirect(_safe_next(request.args.get("next")) or url_for("operator.index"))


def _checked_code(form, check):
    """(what `check(code)` returned or None, the status): 422 with the error beside the field when the
    form is invalid or the code refused."""
    if not form.validate_on_submit():
        return None, 422 if request.method == "POST" else 200
    try:
        return check(form.code.data), 200
    except access.AccessError as error:
        form.code.errors.append(str(error))
        return None, 422


@bp.route("/second-factor/setup", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
def setup_factor():
    user, now = current_user._get_current_object(), utcnow()
    factor = access.factor_of(user)
    if factor is not None and factor.confirmed_at is not None:
        return redirect(url_for("operator.verify_factor", next=request.args.get("next")))
    factor, form = access.pending_factor(user, now=now), CodeForm()
    codes, status = _checked_code(form, lambda code: access.confirm_factor(user, user.current_session, code, now=now))
    if codes:
        return render_template("operator/recovery_codes.html", codes=codes, next=request.args.get("next"))
    secret, _uri, qr = access.provisioning(user, factor)
    return render_template("operator/setup_factor.html", form=form, secret=secret, qr=qr), status


@bp.route("/second-factor", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
def verify_factor():
    user, now = current_user._get_current_object(), utcnow()
    factor = access.factor_of(user)
    if factor is None or factor.confirmed_at is None:
        return redirect(url_for("operator.setup_factor", next=request.args.get("next")))
    if access.passed_second_factor(user.current_session, now=now):
        return _after_second_factor()
    form = CodeForm()
    method, status = _checked_code(
        form, lambda code: access.pass_second_factor(user, user.current_session, code, now=now))
    if method == "recovery":
        flash(_("Recovery code used; %(n)d left. Make new ones on the console's second factor page.",
                n=access.unused_recovery_codes(user)), "info")
    if method:
        return _after_second_factor()
    return render_template("operator/verify_factor.html", form=form), status


@bp.route("/security", methods=["GET", "POST"])
def security():
    """The operator's second factor: how many recovery codes are left; new codes (the old stop working)."""
    user = current_user._get_current_object()
    if request.method == "POST":
        now = utcnow()
        codes = access.new_recovery_codes(user, now=now)  # CSRF is checked for every POST
        record_action(user, "new_recovery_codes", now=now)
        return render_template("operator/recovery_codes.html", codes=codes, next=url_for("operator.security"))
    return render_template("operator/security.html", left=access.unused_recovery_codes(user))
