"""My account: name, time zone, language, a verified email change, Google linked or unlinked.

Every function takes `now`; none reads the clock. Mail is sent by the views (they build links).
"""
from helpdesk.accounts import services as accounts
from helpdesk.accounts.models import AccountToken, User
from helpdesk.core import audit
from helpdesk.core.passwords import check_password
from helpdesk.core.timefmt import is_time_zone

# Languages the pages are offered in; the selector in `core.timefmt` takes the person's when listed.
LANGUAGES = {"en": "English"}


def update_profile(user, *, name, timezone, locale, now):
    """Save the name, time zone ('' for the workspace's) and language of `user`."""
    name = " ".join((name or "").split())
    if not name:
        raise accounts.AccountError("Give your name.")
    if timezone and not is_time_zone(timezone):
        raise accounts.AccountError("Choose a time zone from the list.")
    if locale not in LANGUAGES:
        raise accounts.AccountError("Choose a language from the list.")
    user.name, user.timezone, user.locale = name[:120], timezone or None, locale
    user.save()
    audit.record("profile_changed", now=now, actor=user)
    return user


def _check_current_password(user, password):
    """People with a password confirm it; people who sign in only with Google have none to give."""
    if user.password_hash and not check_password(user.password_hash, password or ""):
        raise accounts.AccountError("That is not your current password.")


def request_email_change(user, new_email, password, *, now):
    """A link token that moves `user` to `new_email` once opened there; the address stays until then."""
    _check_current_password(user, password)
    new_email = accounts.normalize_email(new_email)
    if new_email == user.email:
        raise accounts.AccountError("That is already your email address.")
    if accounts.find_user(new_email):
        raise accounts.AccountError("Another account uses this email address.")
    token = accounts.issue_token(user, AccountToken.CHANGE_EMAIL, now=now, new_email=new_email)
    audit.record("email_change_requested", now=now, actor=user, new_email=new_email)
    return token, new_email


def pending_email_change(user, *, now):
    """The address an email change waits on (its link not opened yet), or None."""
    row = (AccountToken.select(AccountToken.new_email)
           .where(AccountToken.user == user.id, AccountToken.purpose == AccountToken.CHANGE_EMAIL,
                  AccountToken.used_at.is_null(), AccountToken.expires_at > now)
           .order_by(AccountToken.id.desc()).first())
    return row.new_email if row else None


def confirm_email_change(token, *, now):
    """Move the token's person to the address the link was sent to. Returns (user, old email)."""
    record = accounts.check_token(token, AccountToken.CHANGE_EMAIL, now=now)
    if accounts.find_user(record.new_email):
        raise accounts.AccountError("Another account took this email address meanwhile; nothing was changed.")
    user = accounts.use_token(token, AccountToken.CHANGE_EMAIL, now=now)
    old_email = user.email
    user.email, user.email_verified_at = record.new_email, now
    user.save()
    audit.record("email_changed", now=now, actor=user, old_email=old_email, new_email=user.email)
    return user, old_email


def link_google(user, claims, *, now):
    """Link the verified Google account of `claims` to `user`, who is signed in."""
    if not claims.get("sub") or not claims.get("email_verified"):
        raise accounts.AccountError("Google did not confirm an email address for this account.")
    holder = User.get_or_none(User.google_subject == claims["sub"])
    if holder is not None and holder.id != user.id:
        raise accounts.AccountError("This Google account already signs in to another account here.")
    user.google_subject = claims["sub"]
    user.save()
    audit.record("google_linked", now=now, actor=user, google_email=claims.get("email", ""))
    return user


def unlink_google(user, *, now):
    """Stop signing in with Google; refused without a password, which would lock the person out."""
    if not user.password_hash:
        raise accounts.AccountError("Set a password first: without Google you would have no way to sign in.")
    user.google_subject = None
    user.save()
    audit.record("google_unlinked", now=now, actor=user)
    return user
