"""Account rules: sign-up, email verification, sign-in, password reset and change (R1-R4).

Every function takes `now`; none reads the clock.
"""
from datetime import timedelta

from helpdesk.accounts import sessions, throttle
from helpdesk.accounts.models import AccountToken, User
from helpdesk.core import audit
from helpdesk.core.passwords import check_password, hash_password
from helpdesk.core.tokens import hash_token, new_token

VERIFY_EMAIL_VALID_FOR = timedelta(days=3)
RESET_PASSWORD_VALID_FOR = timedelta(hours=1)


class AccountError(Exception):
    """A rule refused the action; the message is meant for the person."""


def normalize_email(email):
    """The stored form of an email address: trimmed and lower-cased."""
    return email.strip().lower()


def find_user(email):
    """The user with this email, or None."""
    return User.get_or_none(User.email == normalize_email(email))


def create_user(name, email, password, *, now, terms_version, verified=False):
    """A new person who confirmed being 18+ and accepted `terms_version` (R1)."""
    email = normalize_email(email)
    if find_user(email):
        raise AccountError("An account with this email already exists. Sign in, or reset your password.")
    return User.create(
        name=name.strip(),
        email=email,
        password_hash=hash_password(password) if password else None,
        email_verified_at=now if verified else None,
        adult_confirmed_at=now,
        terms_version=terms_version,
        terms_accepted_at=now,
        created_at=now,
    )


def issue_token(user, purpose, *, now, new_email=None):
    """A single-use link token for `user`; earlier unused ones of that purpose stop working.

    `new_email`: for an email change, the address the link is sent to (and proves)."""
    valid_for = RESET_PASSWORD_VALID_FOR if purpose == AccountToken.RESET_PASSWORD else VERIFY_EMAIL_VALID_FOR
    (AccountToken.update(used_at=now)
     .where(AccountToken.user == user, AccountToken.purpose == purpose, AccountToken.used_at.is_null())
     .execute())
    token, token_hash = new_token()
    AccountToken.create(user=user, purpose=purpose, token_hash=token_hash, expires_at=now + valid_for,
                        new_email=new_email, created_at=now)
    return token


def check_token(token, purpose, *, now):
    """The valid, unused token record for `token`, without using it. Raises AccountError."""
    record = (AccountToken.select(AccountToken, User).join(User)
              .where(AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose)
              .first())
    if record is None or record.used_at is not None:
        raise AccountError("This link is not valid any more: it was used, or a newer one was sent.")
    if record.expires_at < now:
        raise AccountError("This link has expired. Ask for a new one.")
    return record


def use_token(token, purpose, *, now):
    """The user a valid, unused token belongs to; marks the token used. Raises AccountError."""
    record = check_token(token, purpose, now=now)
    # Conditional update: two clicks racing on one link cannot both succeed.
    claimed = (AccountToken.update(used_at=now)
               .where(AccountToken.id == record.id, AccountToken.used_at.is_null()).execute())
    if not claimed:
        raise AccountError("This link is not valid any more. Ask for a new one.")
    return record.user


def verify_email(token, *, now):
    """Mark the email of the token's user as verified."""
    user = use_token(token, AccountToken.VERIFY_EMAIL, now=now)
    if user.email_verified_at is None:
        user.email_verified_at = now
        user.save()
    return user


def authenticate(email, password, *, now):
    """The user whose email and password match, recording success or failure (R40).

    Raises `throttle.SignInDelayed` without looking at the password while the account must wait.
    """
    email = normalize_email(email)
    throttle.claim_attempt(email, now=now)
    user = find_user(email)
    if user is None or not check_password(user.password_hash, password):
        audit.record("sign_in_failed", now=now, actor=user, email=email)
        raise AccountError("Wrong email or password.")
    throttle.clear(email)
    if not user.is_verified:
        raise AccountError("Please verify your email first: follow the link we sent you.")
    record_sign_in(user, now=now, method="password")
    return user


def record_sign_in(user, *, now, method):
    """Note a successful sign-in on the user and in the audit log."""
    user.last_sign_in_at = now
    user.save()
    audit.record("sign_in", now=now, actor=user, method=method)


def reset_password(token, new_password, *, now):
    """Set a new password through a reset link (single use, one hour); every session of the person ends."""
    user = use_token(token, AccountToken.RESET_PASSWORD, now=now)
    user.password_hash = hash_password(new_password)
    # Following the emailed link proves the address, too.
    user.email_verified_at = user.email_verified_at or now
    user.save()
    ended = sessions.end_other_sessions(user, None, now=now)
    throttle.clear(user.email)  # the owner is not kept waiting by someone else's guesses
    audit.record("password_reset", now=now, actor=user, sessions_ended=ended)
    return user


def change_password(user, current_password, new_password, *, now):
    """Change the password of a signed-in person who knows the current one; their other sessions end."""
    if not check_password(user.password_hash, current_password):
        raise AccountError("That is not your current password.")
    user.password_hash = hash_password(new_password)
    user.save()
    ended = sessions.end_other_sessions(user, user.current_session, now=now)
    audit.record("password_changed", now=now, actor=user, sessions_ended=ended)
    return ended


def sign_out_everywhere(user, *, now):
    """End every session of `user`, this browser's included. Returns how many ended."""
    ended = sessions.end_other_sessions(user, None, now=now)
    audit.record("signed_out_everywhere", now=now, actor=user, sessions_ended=ended)
    return ended


def sign_in_with_google(claims, *, now):
    """The user for verified Google claims: found by subject, else linked by email, else None.

    Returns (user, created). A new person gets an account without a workspace and
    completes sign-up (18+, terms, workspace name) on the next page.
    """
    if not claims.get("email") or not claims.get("email_verified"):
        raise AccountError("Google did not confirm an email address for this account.")
    user = User.get_or_none(User.google_subject == claims["sub"])
    if user is None:
        user = find_user(claims["email"])
        if user is not None:
            user.google_subject = claims["sub"]
            user.email_verified_at = user.email_verified_at or now
            user.save()
    if user is not None:
        record_sign_in(user, now=now, method="google")
        return user, False
    user = User.create(name=claims.get("name") or claims["email"].split("@")[0],
                       email=normalize_email(claims["email"]), google_subject=claims["sub"],
                       email_verified_at=now, created_at=now)
    record_sign_in(user, now=now, method="google")
    return user, True


def accept_terms(user, *, now, terms_version):
    """Record that `user` is 18+ and accepted `terms_version`."""
    user.adult_confirmed_at = user.adult_confirmed_at or now
    user.terms_version, user.terms_accepted_at = terms_version, now
    user.save()
