"""Signed-in sessions that can be ended: one `UserSession` row per sign-in of a browser.

flask-login keeps the row's random key (not the person's id) in the signed session cookie and
in the remember-me cookie (`User.get_session_id`, the login manager's `id_attribute`), and
`load_user` finds the person through an open row only. So sign-out ends that browser's cookies
wherever they were copied, and a password change ends every other sign-in of the person.
"""
from datetime import timedelta

from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user

from helpdesk.accounts.models import User, UserSession
from helpdesk.core.clock import utcnow
from helpdesk.core.selects import PreparedSelect
from helpdesk.core.tokens import hash_token, new_token

# How often a request writes "last seen" (and slides the idle limit): not on every request.
TOUCH_EVERY = timedelta(minutes=10)


def open_session(user, *, method, now, lasts, remember=False):
    """A new session of `user` that `lasts` from now; returns `user` with its `session_key` and
    `current_session` set. A remembered session ends then (as its cookie does); another one's
    end moves on with each use (`user_for_key`).
    """
    key, key_hash = new_token()
    user.current_session = UserSession.create(
        user=user, key_hash=key_hash, method=method, remember=remember, last_seen_at=now,
        expires_at=now + lasts, created_at=now)
    user.session_key = key
    return user


# Built once (core/selects.py): every signed-in request runs it first.
_OPEN_SESSION = PreparedSelect(lambda key_hash, now: (
    UserSession.select(UserSession, User).join(User)
    .where(UserSession.key_hash == key_hash, UserSession.revoked_at.is_null(), UserSession.expires_at > now)
    .limit(1)), 2)


def user_for_key(key, *, now, idle):
    """The person signed in by a cookie's session `key`, or None once the session ended."""
    row = _OPEN_SESSION.first(hash_token(key), now)
    if row is None:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        if not row.remember:
            row.expires_at = now + idle
        (UserSession.update(last_seen_at=row.last_seen_at, expires_at=row.expires_at)
         .where(UserSession.id == row.id).execute())
    user = row.user
    user.current_session, user.session_key = row, key
    return user


def end_session(user_session, *, now):
    """End one session (sign-out)."""
    _revoke(UserSession.id == user_session.id, now=now)


def end_other_sessions(user, keep, *, now):
    """End every session of `user` but `keep` (None: all of them). Returns how many ended."""
    where = UserSession.user == user
    if keep is not None:
        where &= UserSession.id != keep.id
    return _revoke(where, now=now)


def _revoke(where, *, now):
    return (UserSession.update(revoked_at=now)
            .where(where, UserSession.revoked_at.is_null(), UserSession.expires_at > now).execute())


# The request side: cookies, the session dictionary, flask-login.

def _idle():
    return timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])


def load_user(key):
    """flask-login's user loader: the person of an open session, else None (signed out)."""
    return user_for_key(key, now=utcnow(), idle=_idle())


def sign_in_browser(user, *, method, now, remember=False):
    """Sign this browser in as `user` in a new session.

    Everything the session held before (the CSRF token of the sign-in form included) is dropped,
    so nothing issued to the anonymous visitor is valid for the signed-in person; a session this
    browser had before ends.
    """
    if current_user.is_authenticated and current_user.current_session is not None:
        end_session(current_user.current_session, now=now)  # the cookie it replaces
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the token of this request in `g`
    lasts = timedelta(days=current_app.config["REMEMBER_ME_DAYS"]) if remember else _idle()
    login_user(open_session(user, method=method, now=now, lasts=lasts, remember=remember), remember=remember)


def sign_out_browser(user, *, now):
    """End this browser's session (its copied cookies stop working too) and forget its contents."""
    if user.current_session is not None:
        end_session(user.current_session, now=now)
    session.clear()
    logout_user()  # after the clear: it marks the remember-me cookie for deletion in the session
