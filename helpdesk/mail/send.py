"""Agent replies out: one job per reply builds the email with threading headers and sends it.

The Message-ID is stored before sending, so a retry reuses it and the customer's
mail client threads the conversation; a reply already sent is never sent again.
"""
import logging
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app

from helpdesk.core import storage
from helpdesk.core.mailer import PermanentFailure, deliver
from helpdesk.jobs import TemporaryFailure, job
from helpdesk.tickets.models import Attachment, Message, Ticket

log = logging.getLogger(__name__)


def subject_with_token(ticket):
    """'Re: Printer jam [#1042]': the token threads replies whose headers were lost."""
    subject = ticket.subject
    token = f"[#{ticket.number}]"
    if token not in subject:
        subject = f"{subject} {token}"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def thread_ids(ticket_id, before_id):
    """Message-IDs of the ticket's earlier emailed messages, oldest first (for References)."""
    return [m for (m,) in Message.select(Message.email_message_id)
            .where(Message.ticket == ticket_id, Message.id < before_id, Message.email_message_id.is_null(False),
                   Message.kind != Message.NOTE)
            .order_by(Message.id).tuples()]


def build_reply(message, ticket, workspace_name, sender_address):
    """The MIME message for an agent reply."""
    customer = ticket.customer
    email = EmailMessage()
    agent_name = message.author.name if message.author else workspace_name
    email["From"] = Address(f"{agent_name} via {workspace_name}", addr_spec=sender_address)
    email["To"] = Address(customer.name or "", addr_spec=customer.email)
    email["Subject"] = subject_with_token(ticket)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.email_message_id
    references = thread_ids(ticket.id, message.id)
    if references:
        email["In-Reply-To"] = references[-1]
        email["References"] = " ".join(references[-20:])
    email.set_content(message.body_text)
    for attachment in Attachment.select().where(Attachment.message == message):
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(storage.read(attachment.storage_key), maintype=maintype or "application",
                             subtype=subtype or "octet-stream", filename=attachment.filename)
    return email


@job
def deliver_reply(message_id):
    """Send one agent reply; retried on temporary failures, final failures shown on the message."""
    message = Message.get_or_none(Message.id == message_id)
    if message is None or message.kind != Message.REPLY or message.delivery_status == Message.SENT:
        return
    ticket = Ticket.select(Ticket).where(Ticket.id == message.ticket_id).get()
    if not ticket.customer.email:
        message.delivery_status, message.delivery_error = Message.FAILED, "The customer has no email address."
        message.save()
        return
    sender_address = parseaddr(current_app.config["MAIL_FROM"])[1] or "helpdesk@localhost"
    if not message.email_message_id:
        message.email_message_id = make_msgid(idstring=f"t{ticket.number}", domain=sender_address.split("@")[-1])
        message.save()
    try:
        deliver(build_reply(message, ticket, ticket.workspace.name, sender_address), current_app.config["MAIL_URL"])
    except TemporaryFailure as error:
        message.delivery_error = str(error)
        message.save()
        raise
    except PermanentFailure as error:
        message.delivery_status, message.delivery_error = Message.FAILED, str(error)
        message.save()
        return
    message.delivery_status, message.delivery_error = Message.SENT, None
    message.save()
