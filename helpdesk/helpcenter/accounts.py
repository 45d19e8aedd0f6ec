"""End users of a help center: emailed sign-in links, signed-in browsers, their requests and replies.

An end user belongs to one workspace: every row carries it and every lookup filters by it, so
an address known to workspace A means nothing to workspace B, and a link or session of A is
refused by B.
"""
from datetime import timedelta

from flask_babel import gettext as _
from peewee import prefetch

from helpdesk.accounts.services import normalize_email
from helpdesk.core.mailer import send_email
from helpdesk.core.tokens import hash_token, new_token
from helpdesk.core.urls import external_url
from helpdesk.customers.models import Customer, CustomerEmail
from helpdesk.customers.services import find_or_create_customer
from helpdesk.extensions import db
from helpdesk.helpcenter.models import EndUser, EndUserSession, EndUserToken
from helpdesk.notifications.services import email_customer_reply
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment, Message, Status, Ticket

LINK_VALID = timedelta(minutes=15)
SESSION_DAYS = timedelta(days=30)
VISIBLE_KINDS = (Message.CUSTOMER, Message.REPLY)  # never internal notes; events are not messages


class PortalError(Exception):
    """Refused; the message is meant for the end user."""


def send_sign_in_link(workspace, help_center, email, *, now):
    """Email a single-use sign-in link (15 minutes) to `email`; it makes the account on first use."""
    email = normalize_email(email)
    token, token_hash = new_token()
    EndUserToken.create(workspace=workspace, email=email, token_hash=token_hash, expires_at=now + LINK_VALID,
                        created_at=now)
    send_email(email, _("Sign in to %(name)s", name=help_center.title), "helpcenter_sign_in",
               help_center=help_center,
               link=external_url("helpcenter.confirm_sign_in", help_slug=workspace.slug, token=token))


def sign_in_with_link(workspace, token, *, now):
    """The end user of a valid, unused link of `workspace` (made on first use); PortalError otherwise.

    The link is claimed by one compare-and-set update, so two clicks sign in once.
    """
    row = EndUserToken.of(workspace).where(EndUserToken.token_hash == hash_token(token or "")).first()
    claimed = row is not None and (
        EndUserToken.update(used_at=now)
        .where(EndUserToken.id == row.id, EndUserToken.used_at.is_null(), EndUserToken.expires_at > now)
        .execute())
    if not claimed:
        raise PortalError(_("This sign-in link has expired or was already used. Ask for a new one."))
    with db.database.atomic():
        end_user = EndUser.of(workspace).where(EndUser.email == row.email).first()
        if end_user is None:
            customer = find_or_create_customer(workspace, row.email, "", now=now)
            end_user = EndUser.create(workspace=workspace, email=row.email, name=customer.name, created_at=now)
        end_user.last_sign_in_at = now
        end_user.save(only=[EndUser.last_sign_in_at])
    return end_user


def open_session(end_user, *, now):
    """A new signed-in browser of `end_user`; returns the key for the cookie."""
    key, key_hash = new_token()
    EndUserSession.create(workspace=end_user.workspace_id, end_user=end_user, key_hash=key_hash,
                          expires_at=now + SESSION_DAYS, created_at=now)
    return key


def end_user_of_session(workspace, key, *, now):
    """The end user signed in with `key` in `workspace`, or None (unknown, ended, expired, other workspace)."""
    return (EndUser.select().join(EndUserSession, on=(EndUserSession.end_user == EndUser.id))
            .where(EndUserSession.workspace == workspace, EndUserSession.key_hash == hash_token(key),
                   EndUserSession.revoked_at.is_null(), EndUserSession.expires_at > now).first())


def session_key(workspace):
    """The cookie-session entry of this workspace's sign-in (one per help center)."""
    return f"end_user:{workspace.id}"


def end_session(workspace, key, *, now):
    EndUserSession.update(revoked_at=now).where(EndUserSession.workspace == workspace,
                                                 EndUserSession.key_hash == hash_token(key)).execute()


def _tickets_of(end_user):
    """The tickets of the workspace's customer with the end user's (verified) email, first or further."""
    further = CustomerEmail.select(CustomerEmail.customer).where(CustomerEmail.workspace == end_user.workspace_id,
                                                                 CustomerEmail.email == end_user.email)
    return (Ticket.of(end_user.workspace_id).join(Customer, on=(Ticket.customer == Customer.id))
            .where((Customer.email == end_user.email) | Customer.id.in_(further)))


def requests_of(end_user, limit=100):
    """The end user's tickets, newest first."""
    return list(_tickets_of(end_user).order_by(Ticket.id.desc()).limit(limit))


def request_of(end_user, number):
    """One of the end user's tickets by number, or None (another customer's, another workspace's)."""
    return _tickets_of(end_user).where(Ticket.number == number).first()


def conversation(ticket):
    """What the customer may see: their messages and the agents' replies, oldest first, with attachments."""
    messages = Message.of(ticket.workspace_id).where(Message.ticket == ticket, Message.kind.in_(VISIBLE_KINDS))
    return prefetch(messages.order_by(Message.id), Attachment.select())


def reply_from_portal(ticket, body, *, now, attachments=()):
    """The customer's answer from the help center: the same customer message an email reply makes
    (a solved or pending ticket reopens). A closed ticket takes no answer: the customer writes anew."""
    if ticket.status == Status.CLOSED:
        raise PortalError(_("This request is closed. Please send a new one from the contact form."))
    body = (body or "").strip()
    if not body:
        raise PortalError(_("Write your answer first."))
    message = tickets.add_customer_message(ticket, body, now=now, attachments=attachments)
    email_customer_reply(ticket, message, ticket.customer.name or ticket.customer.email or "", now=now)
    return message


def update_profile(end_user, name):
    end_user.name = (name or "").strip()[:200]
    end_user.save(only=[EndUser.name])
    return end_user


def sign_out_everywhere(end_user, *, now):
    """End every signed-in browser of `end_user`, this one included."""
    return (EndUserSession.update(revoked_at=now)
            .where(EndUserSession.end_user == end_user, EndUserSession.revoked_at.is_null()).execute())
