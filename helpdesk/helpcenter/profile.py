"""An end user's profile: name, password, email change (confirmed at the new address, the old one told)."""
from datetime import timedelta

from peewee import IntegrityError

from helpdesk.accounts import throttle
from helpdesk.accounts.services import normalize_email
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import send_email
from helpdesk.core.passwords import MIN_PASSWORD_LENGTH, check_password, hash_password
from helpdesk.customers.services import find_or_create_customer
from helpdesk.extensions import db
from helpdesk.helpcenter.accounts import PortalError, address_taken, claim_link, issue_link, sign_out_everywhere
from helpdesk.helpcenter.domains import public_url
from helpdesk.helpcenter.models import EndUser, EndUserSession, EndUserSignInThrottle, EndUserToken

# A browser signed in by an emailed link this recently may set a new password without the old one
# (the way back for who forgot it: the link proved the address).
FRESH_LINK = timedelta(minutes=15)


def update_name(end_user, name):
    end_user.name = (name or "").strip()[:200]
    end_user.save(only=[EndUser.name])
    return end_user


def needs_current_password(end_user, *, now):
    """True when changing the password must prove the old one (set, and not just signed in by a link)."""
    current = getattr(end_user, "current_session", None)
    fresh = current is not None and current.method == EndUserSession.LINK and now - current.created_at <= FRESH_LINK
    return bool(end_user.password_hash) and not fresh


def set_password(end_user, *, current_password, new_password, now):
    """Set or change the password; every other signed-in browser of the account ends."""
    if needs_current_password(end_user, now=now) and not check_password(end_user.password_hash, current_password):
        raise PortalError(_("Your current password is not right."))
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        raise PortalError(_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    end_user.password_hash = hash_password(new_password)
    end_user.save(only=[EndUser.password_hash])
    sign_out_everywhere(end_user, now=now, keep=getattr(end_user, "current_session", None))
    throttle.clear(end_user.email, model=EndUserSignInThrottle, workspace=end_user.workspace_id)


def request_email_change(help_center, end_user, new_email, *, now):
    """Mail a link to `new_email`; the account moves there when it is opened (15 minutes, once)."""
    new_email = normalize_email(new_email)
    if new_email == end_user.email:
        raise PortalError(_("That is already your email."))
    token = issue_link(end_user.workspace_id, new_email, EndUserToken.CHANGE_EMAIL, now=now, end_user=end_user)
    send_email(new_email, _("Confirm your new email for %(name)s", name=help_center.title),
               "helpcenter_change_email", help_center=help_center, end_user=end_user,
               link=public_url(help_center, "helpcenter.confirm_email_change", token=token))
    return new_email


def confirm_email_change(help_center, token, *, now):
    """Move the account of a valid change link to its new address; the old address is told."""
    workspace = help_center.workspace
    row = claim_link(workspace, token, EndUserToken.CHANGE_EMAIL, now=now)
    end_user = EndUser.of(workspace).where(EndUser.id == row.end_user_id).first()
    if end_user is None:
        raise PortalError(_("This link has expired or was already used. Ask for a new one."))
    taken = _("%(email)s already has an account here: sign in with it instead.", email=row.email)
    if address_taken(workspace, row.email, end_user):
        raise PortalError(taken)
    old_email = end_user.email
    try:
        with db.database.atomic():
            (EndUser.update(email=row.email, email_verified_at=now)
             .where(EndUser.id == end_user.id).execute())
            find_or_create_customer(workspace, row.email, end_user.name, now=now)
    except IntegrityError:  # another account took the address meanwhile
        raise PortalError(taken) from None
    end_user.email, end_user.email_verified_at = row.email, now
    send_email(old_email, _("Your email for %(name)s was changed", name=help_center.title),
               "helpcenter_email_changed", help_center=help_center, old_email=old_email, new_email=row.email,
               link=public_url(help_center, "helpcenter.contact"))
    return end_user
