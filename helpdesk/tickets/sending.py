"""Sending a reply the way an agent expects: Cc and Bcc, the draft removed, a few seconds to undo.

A held reply is stored with its delivery row due `Workspace.undo_send_seconds` later (the mail domain's
`hold_reply`); the periodic `send_due_replies` sends it then through the usual `deliver_reply` job.
Undo deletes the delivery row only while it is still queued and untried (a compare-and-set that a
job's claim cannot pass at the same time), so a reply is either sent or back in the draft, never both.
"""
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email

from helpdesk.extensions import db
from helpdesk.jobs import resolve
from helpdesk.tickets import services
from helpdesk.tickets.drafts import Draft, save_draft
from helpdesk.tickets.models import Message, Ticket

CANCEL_HELD_REPLY = "helpdesk.mail.send.cancel_held_reply"
MAX_COPIES = 10


class AddressError(services.TicketError):
    """A Cc or Bcc that is not an email address."""


def parse_addresses(text, label="Cc"):
    """'a@x.org, B <b@y.org>; c@z.org' -> ['a@x.org', 'b@y.org', 'c@z.org'] (normalized, each once).

    Raises AddressError naming the first address that is not one.
    """
    found = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if "<" in part and part.endswith(">"):
            part = part[part.rindex("<") + 1:-1].strip()
        if not part:
            continue
        try:
            address = validate_email(part, check_deliverability=False).normalized
        except EmailNotValidError:
            raise AddressError(f"{label}: “{part[:80]}” is not an email address.") from None
        if address.lower() not in (f.lower() for f in found):
            found.append(address)
    if len(found) > MAX_COPIES:
        raise AddressError(f"{label}: at most {MAX_COPIES} addresses.")
    return found


def send_reply(ticket, actor, body, *, now, hold_seconds, cc="", bcc="", attachments=(), status_after=None):
    """Validate the copies, then `services.reply`, held `hold_seconds` for an Undo (0: sent at once)."""
    cc_list, bcc_list = parse_addresses(cc, "Cc"), parse_addresses(bcc, "Bcc")
    hold = hold_seconds or 0
    return services.reply(ticket, actor, body, now=now, attachments=attachments, status_after=status_after,
                          cc=", ".join(cc_list) or None, bcc=", ".join(bcc_list) or None,
                          send_at=now + timedelta(seconds=hold) if hold > 0 else None)


def held_replies(messages, user, workspace, now):
    """Ids of `user`'s replies among `messages` that are still within the undo delay (no query)."""
    window = timedelta(seconds=workspace.undo_send_seconds or 0)
    return {m.id for m in messages if m.kind == Message.REPLY and m.author_id == user.id
            and m.delivery_status == Message.QUEUED and window and m.created_at + window > now}


class TooLate(services.TicketError):
    """The reply has already gone out (or is going out right now)."""


def undo_send(ticket, actor, message_id, *, now):
    """Take back `actor`'s held reply: it is deleted and its text, Cc and Bcc go back into the draft.

    Raises LookupError when there is no such reply of theirs, TooLate when a job has taken it.
    """
    with db.database.atomic():
        message = (Message.of(ticket.workspace_id)
                   .where(Message.id == message_id, Message.ticket == ticket, Message.kind == Message.REPLY,
                          Message.author == actor).first())
        if message is None:
            raise LookupError(message_id)
        if message.delivery_status != Message.QUEUED or not resolve(CANCEL_HELD_REPLY)(message.id):
            raise TooLate("Too late to undo: the reply has already been sent.")
        message.delete_instance()
        latest = (Message.select(Message.body_text).where(Message.ticket == ticket, Message.kind != Message.NOTE)
                  .order_by(Message.id.desc()).first())
        (Ticket.update(message_count=Ticket.message_count - 1,
                       preview=services.preview_of(latest.body_text) if latest else "")
         .where(Ticket.id == ticket.id).execute())
        # the draft typed since, if any, stays below the taken-back text
        typed = Draft.get_or_none(Draft.ticket == ticket, Draft.user == actor)
        body = message.body_text + (f"\n\n{typed.body}" if typed and typed.body.strip() else "")
        return save_draft(ticket, actor, body=body, cc=message.cc or (typed.cc if typed else ""),
                          bcc=message.bcc or (typed.bcc if typed else ""), now=now)
