"""What a signed-in end user sees of their requests: the tickets of their customer, the conversation, replies."""
from peewee import prefetch

from helpdesk.core.i18n import gettext as _
from helpdesk.customers.models import Customer, CustomerEmail
from helpdesk.helpcenter.accounts import PortalError
from helpdesk.notifications.services import email_customer_reply
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment, Message, Status, Ticket

VISIBLE_KINDS = (Message.CUSTOMER, Message.REPLY)  # never internal notes; events are not messages


def _tickets_of(end_user):
    """The tickets of the workspace's customer with the end user's email, first or further (callers check
    it is confirmed)."""
    further = CustomerEmail.select(CustomerEmail.customer).where(CustomerEmail.workspace == end_user.workspace_id,
                                                                 CustomerEmail.email == end_user.email)
    return (Ticket.of(end_user.workspace_id).join(Customer, on=(Ticket.customer == Customer.id))
            .where((Customer.email == end_user.email) | Customer.id.in_(further)))


def requests_of(end_user, limit=100):
    """The end user's tickets, newest first; none before the email is confirmed."""
    if not end_user.is_verified:
        return []
    return list(_tickets_of(end_user).order_by(Ticket.id.desc()).limit(limit))


def request_of(end_user, number):
    """One of the end user's tickets by number, or None (another customer's, another workspace's, unconfirmed)."""
    if not end_user.is_verified:
        return None
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
