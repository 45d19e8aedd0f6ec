"""Threading a message onto a ticket (R23): In-Reply-To, then References, then the `[#N]` subject token.

A match whose sender is not on the ticket *and* whose subject no longer
matches it opens a new ticket instead of hijacking the old one; a closed ticket
is never reopened by mail (a new ticket is opened), a solved or pending one is.
"""
import re

from helpdesk.tickets.models import Message, Status, Ticket

TOKEN = re.compile(r"\[#(\d{1,9})\]")
SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|tr|rv|ref)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*)+", re.I)
MAX_REFERENCES = 50


def normalized_subject(subject):
    """A subject without Re:/Fwd: prefixes, [#N] tokens, case and spacing: for comparing."""
    subject = TOKEN.sub(" ", subject or "")
    previous = None
    while previous != subject:
        previous, subject = subject, SUBJECT_PREFIX.sub("", subject)
    return re.sub(r"\s+", " ", subject).strip().casefold()


def _sender_on_ticket(ticket, customer):
    return ticket.customer_id == customer.id or Message.select().where(
        Message.ticket == ticket, Message.customer == customer).exists()


def _may_thread(ticket, customer, parsed):
    """Not a hijack: the sender is on the ticket, or the subject still matches it."""
    return _sender_on_ticket(ticket, customer) or normalized_subject(parsed.subject) == normalized_subject(ticket.subject)


def find_thread(workspace_id, parsed, customer):
    """(ticket or None, decision) for a message: In-Reply-To, References, then the [#N] token (R23)."""
    rejected = None
    references = []
    for reference in [parsed.in_reply_to, *reversed(parsed.references or [])]:
        if reference and reference not in references:
            references.append(reference[:998])
    references = references[:MAX_REFERENCES]
    if references:
        found = list(Message.select(Message.ticket, Message.email_message_id)
                     .where(Message.workspace == workspace_id, Message.email_message_id.in_(references))
                     .order_by(Message.id.desc()).limit(MAX_REFERENCES).tuples())
        if found:
            # The most specific reference wins: In-Reply-To first, then the latest References.
            by_id = {message_id: ticket_id for ticket_id, message_id in reversed(found)}
            reference = next(r for r in references if r in by_id)
            ticket = Ticket.get_by_id(by_id[reference])
            rule = "In-Reply-To" if reference == parsed.in_reply_to else "References"
            verdict = _verdict(ticket, customer, parsed, f"{rule} matched #{ticket.number}")
            if verdict[0] is not None:
                return verdict
            rejected = verdict[1]
    for token in TOKEN.findall(parsed.subject or ""):
        ticket = Ticket.of(workspace_id).where(Ticket.number == int(token)).first()
        if ticket is None:
            continue
        if ticket.merged_into_id:  # merged (tickets.merging): the conversation goes on in the other ticket
            ticket = ticket.merged_into
        verdict = _verdict(ticket, customer, parsed, f"subject token matched #{ticket.number}")
        if verdict[0] is not None:
            return verdict
        rejected = rejected or verdict[1]
    return None, rejected or "new ticket: no match"


def _verdict(ticket, customer, parsed, rule):
    if ticket.status == Status.CLOSED:
        return None, f"new ticket: {rule}, but #{ticket.number} is closed"
    if not _may_thread(ticket, customer, parsed):
        return None, (f"new ticket: {rule}, but the sender is not on #{ticket.number} "
                      "and the subject no longer matches")
    return ticket, rule
