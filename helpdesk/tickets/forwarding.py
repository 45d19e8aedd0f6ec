"""Forward a ticket to any address: its conversation (customer messages and replies, no notes) as system mail.

The email is a stored `SystemEmail` sent by its job (`core.mailer`: retries, never twice); the ticket's
history says who forwarded it to whom.
"""
import json

from helpdesk.core.inserts import create_row
from helpdesk.core.mailer import send_email
from helpdesk.tickets.models import Message, TicketEvent
from helpdesk.tickets.sending import parse_addresses
from helpdesk.tickets.services import TicketError


def forward_ticket(workspace, ticket, actor, to, note, *, now):
    """Email the conversation of `ticket` to `to` (one address) with `actor`'s note on top. Returns the address."""
    addresses = parse_addresses(to, "To")
    if len(addresses) != 1:
        raise TicketError("Give one address to forward to.")
    messages = list(Message.of(workspace).where(Message.ticket == ticket, Message.kind != Message.NOTE)
                    .order_by(Message.id))
    send_email(addresses[0], f"Fwd: {ticket.subject} [#{ticket.number}]", "ticket_forward", ticket=ticket,
               workspace=workspace, actor=actor, note=(note or "").strip()[:5000], messages=messages,
               customer=ticket.customer, reply_to=actor.email)
    create_row(TicketEvent, workspace=ticket.workspace_id, ticket=ticket, actor=actor, kind="forwarded",
               data=json.dumps({"to": addresses[0]}), created_at=now)
    return addresses[0]
