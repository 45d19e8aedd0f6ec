"""Who may use the console: operators, with a second factor (TOTP or a recovery code) passed in
this very sign-in. `guard_console` is the console blueprint's hook; the rest are plain rules.
"""
import base64
import secrets
from datetime import timedelta

import pyotp
import segno
from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from helpdesk.accounts.models import User, UserSession
from helpdesk.accounts.services import AccountError, create_user, find_user
from helpdesk.core import audit
from helpdesk.core.clock import utcnow
from helpdesk.core.crypto import decrypt, encrypt
from helpdesk.core.tokens import hash_token
from helpdesk.extensions import db, login_manager
from helpdesk.operator import bp
from helpdesk.operator.models import OperatorFactor, OperatorSignIn, RecoveryCode

ISSUER = "Helpdesk operator"
RECOVERY_CODE_COUNT = 10
# A console sign-in lasts no longer than this, even while the browser's session goes on.
SECOND_FACTOR_LASTS = timedelta(hours=12)
# The pages an operator reaches before the second factor: setting it up and passing it.
BEFORE_SECOND_FACTOR = {"operator.setup_factor", "operator.verify_factor"}


class AccessError(Exception):
    """A second-factor rule refused; the message is meant for the operator."""


def create_operator(email, *, now, name=None, password=None, terms_version):
    """Make `email` an operator: an existing person is flagged, else a verified account is created
    (it needs `password`). Returns (user, created)."""
    user = find_user(email)
    created = user is None
    if created:
        if not password:
            raise AccountError("A new operator account needs a password.")
        user = create_user(name or email.split("@")[0], email, password, now=now, terms_version=terms_version,
                           verified=True)
    User.update(is_operator=True).where(User.id == user.id).execute()
    user.is_operator = True
    audit.record("operator_created", now=now, actor=user, email=user.email)
    return user, created


def remove_operator(email, *, now):
    """Take the operator flag away; their second factor and console sign-ins go with it."""
    user = find_user(email)
    if user is None or not user.is_operator:
        raise AccountError(f"{email} is not an operator.")
    with db.database.atomic():
        User.update(is_operator=False).where(User.id == user.id).execute()
        reset_factor(user)
        audit.record("operator_removed", now=now, actor=user, email=user.email)
    return user


def reset_factor(user):
    """Forget `user`'s TOTP secret, recovery codes and console sign-ins: set up again at next visit."""
    OperatorSignIn.delete().where(OperatorSignIn.user_session.in_(
        UserSession.select(UserSession.id).where(UserSession.user == user))).execute()
    RecoveryCode.delete().where(RecoveryCode.user == user).execute()
    OperatorFactor.delete().where(OperatorFactor.user == user).execute()


def factor_of(user):
    return OperatorFactor.get_or_none(OperatorFactor.user == user)


def pending_factor(user, *, now):
    """The operator's unconfirmed TOTP secret, made now if there is none yet."""
    factor = factor_of(user)
    if factor is not None and factor.confirmed_at is not None:
        raise AccessError("The second factor is already set up.")
    if factor is None:
        factor = OperatorFactor.create(user=user, secret=encrypt(pyotp.random_base32()), created_at=now)
    return factor


def provisioning(user, factor):
    """(the secret for typing in, the otpauth:// URI, the QR code as a data: URI of an SVG image)."""
    secret = decrypt(factor.secret)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")
    return secret, uri, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _accept_totp(factor, code, *, now):
    """True when `code` is the TOTP of this or the neighbouring 30-second step and newer than the last
    one used (a code works once: the step moves by compare-and-set, so two requests cannot share it)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(decrypt(factor.secret))
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code) and candidate > factor.last_timestep:
            return bool(OperatorFactor.update(last_timestep=candidate)
                        .where(OperatorFactor.id == factor.id, OperatorFactor.last_timestep < candidate)
                        .execute())
    return False


def new_recovery_codes(user, *, now):
    """Replace `user`'s recovery codes with new ones; returns them (shown once, stored as hashes)."""
    codes = ["-".join(secrets.token_hex(3) for _ in range(3)) for _ in range(RECOVERY_CODE_COUNT)]
    with db.database.atomic():
        RecoveryCode.delete().where(RecoveryCode.user == user).execute()
        RecoveryCode.insert_many([{"user": user.id, "code_hash": hash_token(code), "created_at": now}
                                  for code in codes]).execute()
    return codes


def confirm_factor(user, user_session, code, *, now):
    """First sign-in: a code from the new authenticator confirms the secret; this sign-in passes
    the second factor. Returns the recovery codes to show once."""
    factor = pending_factor(user, now=now)
    if not _accept_totp(factor, code, now=now):
        raise AccessError("That code is not right. Type the 6 digits your authenticator app shows now.")
    OperatorFactor.update(confirmed_at=now).where(OperatorFactor.id == factor.id).execute()
    codes = new_recovery_codes(user, now=now)
    _pass(user, user_session, "totp", now=now)
    return codes


def pass_second_factor(user, user_session, code, *, now):
    """A TOTP code or an unused recovery code (which is then used up) lets this sign-in into the
    console. Returns how ('totp' or 'recovery')."""
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is None:
        raise AccessError("Set up the second factor first.")
    if _accept_totp(factor, code, now=now):
        method = "totp"
    elif _use_recovery_code(user, code, now=now):
        method = "recovery"
    else:
        audit.record("operator_second_factor_failed", now=now, actor=user)
        raise AccessError("That code is not right, or was used already.")
    _pass(user, user_session, method, now=now)
    return method


def _use_recovery_code(user, code, *, now):
    code = "".join(code.split()).lower()
    return bool(RecoveryCode.update(used_at=now)
                .where(RecoveryCode.user == user, RecoveryCode.code_hash == hash_token(code),
                       RecoveryCode.used_at.is_null()).execute())


def unused_recovery_codes(user):
    return RecoveryCode.select().where(RecoveryCode.user == user, RecoveryCode.used_at.is_null()).count()


def _pass(user, user_session, method, *, now):
    with db.database.atomic():
        OperatorSignIn.delete().where(OperatorSignIn.user_session == user_session).execute()
        OperatorSignIn.create(user_session=user_session, method=method, expires_at=now + SECOND_FACTOR_LASTS,
                              created_at=now)
        audit.record("operator_second_factor_passed", now=now, actor=user, method=method)


def passed_second_factor(user_session, *, now):
    """True while this sign-in passed the second factor (it ends with the sign-in, or after 12 hours)."""
    return OperatorSignIn.select().where(OperatorSignIn.user_session == user_session,
                                         OperatorSignIn.expires_at > now).exists()


@bp.before_request
def guard_console():
    """Every console route: signed in (else the sign-in page), an operator (else 404: the console
    does not admit it exists), and the second factor passed in this sign-in (else set it up / pass it)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_operator:
        abort(404)
    if request.endpoint in BEFORE_SECOND_FACTOR:
        return None
    if not passed_second_factor(current_user.current_session, now=utcnow()):
        factor = factor_of(current_user.id)
        target = "operator.verify_factor" if factor and factor.confirmed_at else "operator.setup_factor"
        return redirect(url_for(target, next=request.full_path if request.method == "GET" else None))
    g.operator = current_user._get_current_object()
    return None
