"""End users of a help center: sign-up, emailed links, passwords, signed-in browsers.

An end user belongs to one workspace: every row carries it and every lookup filters by it, so
an address known to workspace A means nothing to workspace B, and a link or session of A is
refused by B. An account is usable once its email is confirmed (`EndUser.email_verified_at`):
sign-up mails a link to the address, and opening any link mailed there confirms it. Only then is
it linked to the workspace's `Customer` with that email. What a page answers never tells whether
an address has an account: the mail sent there does.
"""
from datetime import timedelta


from helpdesk.accounts import throttle
from helpdesk.accounts.services import normalize_email
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import send_email
from helpdesk.core.passwords import check_password
from helpdesk.core.tokens import hash_token, new_token
from helpdesk.customers.services import find_or_create_customer
from helpdesk.extensions import db
from helpdesk.helpcenter.domains import public_url
from helpdesk.helpcenter.models import EndUser, EndUserSession, EndUserSignInThrottle, EndUserToken

LINK_VALID = timedelta(minutes=15)
SESSION_DAYS = timedelta(days=30)


class PortalError(Exception):
    """Refused; the message is meant for the end user."""


def find_end_user(workspace, email):
    return EndUser.of(workspace).where(EndUser.email == normalize_email(email)).first()


def issue_link(workspace, email, purpose, *, now, end_user=None):
    """A new single-use link token; the earlier unused ones of the same purpose for the same address
    (for the same account, when given: an email change voids the one to another new address) stop working."""
    earlier = EndUserToken.of(workspace).where(EndUserToken.purpose == purpose, EndUserToken.used_at.is_null(),
                                               EndUserToken.expires_at > now)
    earlier = earlier.where(EndUserToken.email == email) if end_user is None \
        else earlier.where(EndUserToken.end_user == end_user)
    EndUserToken.update(expires_at=now).where(EndUserToken.id.in_(earlier.select(EndUserToken.id))).execute()
    token, token_hash = new_token()
    EndUserToken.create(workspace=workspace, email=email, purpose=purpose, end_user=end_user,
                        token_hash=token_hash, expires_at=now + LINK_VALID, created_at=now)
    return token


def claim_link(workspace, token, purpose, *, now):
    """The token row of a valid, unused link of `workspace`, marked used; PortalError otherwise.

    A compare-and-set update claims it, so two clicks use it once.
    """
    row = (EndUserToken.of(workspace)
           .where(EndUserToken.token_hash == hash_token(token or ""), EndUserToken.purpose == purpose).first())
    claimed = row is not None and (
        EndUserToken.update(used_at=now)
        .where(EndUserToken.id == row.id, EndUserToken.used_at.is_null(), EndUserToken.expires_at > now)
        .execute())
    if not claimed:
        raise PortalError(_("This link has expired or was already used. Ask for a new one."))
    return row


def _mail_sign_in_link(workspace, help_center, email, template, *, now):
    token = issue_link(workspace, email, EndUserToken.SIGN_IN, now=now)
    send_email(email, _("Sign in to %(name)s", name=help_center.title), template, help_center=help_center,
               link=public_url(help_center, "helpcenter.confirm_sign_in", token=token))


def sign_up(workspace, help_center, *, name, email, now):
    """Make the account of `email` (unconfirmed) and mail the link that confirms it.

    An address that already has a confirmed account gets a plain sign-in link instead (the page
    answers the same). Signing up again before confirming keeps the latest name.
    """
    email, name = normalize_email(email), (name or "").strip()[:200]
    EndUser.insert(workspace=workspace, email=email, name=name, created_at=now).on_conflict_ignore().execute()
    end_user = find_end_user(workspace, email)
    if end_user.is_verified:
        _mail_sign_in_link(workspace, help_center, email, "helpcenter_sign_in", now=now)
        return
    if end_user.name != name:
        end_user.name = name
        end_user.save(only=[EndUser.name])
    _mail_sign_in_link(workspace, help_center, email, "helpcenter_confirm_email", now=now)


def send_sign_in_link(workspace, help_center, email, *, now):
    """Mail a sign-in link (single use, 15 minutes) to the account of `email`, or, without an account,
    a note that there is none with the way to sign up."""
    email = normalize_email(email)
    if find_end_user(workspace, email) is not None:
        _mail_sign_in_link(workspace, help_center, email, "helpcenter_sign_in", now=now)
    else:
        send_email(email, _("Sign in to %(name)s", name=help_center.title), "helpcenter_no_account",
                   help_center=help_center, link=public_url(help_center, "helpcenter.sign_up"))


def confirm_email(end_user, *, now):
    """The owner of the address opened a link mailed there: confirmed, and linked to its customer."""
    if end_user.is_verified:
        return
    with db.database.atomic():
        end_user.email_verified_at = now
        end_user.save(only=[EndUser.email_verified_at])
        find_or_create_customer(end_user.workspace_id, end_user.email, end_user.name, now=now)


def sign_in_with_link(workspace, token, *, now):
    """The end user of a valid, unused sign-in link of `workspace`, its email confirmed; PortalError otherwise."""
    row = claim_link(workspace, token, EndUserToken.SIGN_IN, now=now)
    end_user = find_end_user(workspace, row.email)
    if end_user is None:  # the address moved to another account since
        raise PortalError(_("This link has expired or was already used. Ask for a new one."))
    confirm_email(end_user, now=now)
    _record_sign_in(end_user, now=now)
    return end_user


def sign_in_with_password(workspace, email, password, *, now):
    """The confirmed end user whose email and password match; PortalError otherwise.

    Counted per workspace and address (`accounts.throttle`): `throttle.SignInDelayed` is raised without
    looking at the password while the address must wait.
    """
    email = normalize_email(email)
    throttle.claim_attempt(email, now=now, model=EndUserSignInThrottle, workspace=workspace)
    end_user = find_end_user(workspace, email)
    if end_user is None or not end_user.is_verified or not check_password(end_user.password_hash, password):
        raise PortalError(_("Wrong email or password."))
    throttle.clear(email, model=EndUserSignInThrottle, workspace=workspace)
    _record_sign_in(end_user, now=now)
    return end_user


def _record_sign_in(end_user, *, now):
    end_user.last_sign_in_at = now
    end_user.save(only=[EndUser.last_sign_in_at])


# --- signed-in browsers ---------------------------------------------------------------------------------

def open_session(end_user, *, method, now):
    """A new signed-in browser of `end_user` (`method`: EndUserSession.LINK or PASSWORD); the cookie's key."""
    if not end_user.is_verified:
        raise PortalError(_("Please confirm your email first: open the link we sent you."))
    key, key_hash = new_token()
    EndUserSession.create(workspace=end_user.workspace_id, end_user=end_user, method=method, key_hash=key_hash,
                          expires_at=now + SESSION_DAYS, created_at=now)
    return key


def end_user_of_session(workspace, key, *, now):
    """The end user signed in with `key` in `workspace` with its `current_session`, or None (unknown,
    ended, expired, other workspace)."""
    row = (EndUserSession.select(EndUserSession, EndUser).join(EndUser)
           .where(EndUserSession.workspace == workspace, EndUserSession.key_hash == hash_token(key),
                  EndUserSession.revoked_at.is_null(), EndUserSession.expires_at > now).first())
    if row is None:
        return None
    end_user = row.end_user
    end_user.current_session = row
    return end_user


def session_key(workspace):
    """The cookie-session entry of this workspace's sign-in (one per help center)."""
    return f"end_user:{workspace.id}"


def end_session(workspace, key, *, now):
    EndUserSession.update(revoked_at=now).where(EndUserSession.workspace == workspace,
                                                 EndUserSession.key_hash == hash_token(key)).execute()


def sign_out_everywhere(end_user, *, now, keep=None):
    """End every signed-in browser of `end_user` but `keep` (None: this one too). Returns how many ended."""
    where = (EndUserSession.end_user == end_user) & EndUserSession.revoked_at.is_null()
    if keep is not None:
        where &= EndUserSession.id != keep.id
    return EndUserSession.update(revoked_at=now).where(where).execute()


def address_taken(workspace, email, end_user):
    """True when another account of `workspace` has `email`."""
    return EndUser.of(workspace).where(EndUser.email == email, EndUser.id != end_user.id).exists()

