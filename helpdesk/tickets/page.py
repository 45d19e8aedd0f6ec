"""Everything the ticket page shows, in a fixed number of queries."""
from markupsafe import Markup
from peewee import JOIN, fn

from helpdesk.accounts.models import User
from helpdesk.extensions import is_postgres
from helpdesk.core.sanitize import sanitize_html
from helpdesk.core.selects import PreparedSelect
from helpdesk.customers.models import Customer
from helpdesk.mail.quoting import split_quoted_html, split_quoted_text
from helpdesk.tickets.drafts import drafts_on, last_reply_of
from helpdesk.tickets.inbox import Assignee
from helpdesk.tickets.models import (Attachment, CannedReply, Channel, Message, Priority, Status, Tag, Ticket,
                                     TicketEvent, TicketTag)
from helpdesk.tickets.sending import held_replies
from helpdesk.tickets.services import reply_refusal
from helpdesk.tickets.watchers import watching_flag

OTHER_TICKETS_SHOWN = 10
# Stored values in words, for the history and the sidebar (translated where shown).
LABELS = {"status": Status.LABELS, "priority": Priority.LABELS, "channel": Channel.LABELS,
          "reason": TicketEvent.REASONS}


class Rendered:
    """A message body ready for the page: the visible part and the folded quote."""

    def __init__(self, message, attachment_url, allow_remote_images):
        if message.body_html:
            html = sanitize_html(message.body_html, allow_remote_images=allow_remote_images)
            html = attachment_url.rewrite_cids(html)
            visible, quoted = split_quoted_html(html)
            self.visible, self.quoted, self.is_html = Markup(visible), Markup(quoted or ""), True
        else:
            visible, quoted = split_quoted_text(message.body_text)
            self.visible, self.quoted, self.is_html = visible, quoted or "", False


class AttachmentLinks:
    """Links to a ticket's attachments; `cid:` images point at their inline download."""

    def __init__(self, url_for_attachment, attachments):
        self.url_for_attachment = url_for_attachment
        self.by_cid = {a.content_id: a for a in attachments if a.content_id}

    def rewrite_cids(self, html):
        for cid, attachment in self.by_cid.items():
            html = html.replace(f'src="cid:{cid}"', f'src="{self.url_for_attachment(attachment, inline=True)}"')
        return html


# Of the authors and actors, what the page shows: each of User's other columns costs SQL and a conversion per row.
PEOPLE_SHOWN = (User.id, User.name, User.email)
TAG_SEPARATOR = "\x1f"  # never in a tag name (`services.normalize_tag` turns it, as whitespace, into "-")


def _tag_names():
    """A scalar subquery: the ticket's tag names in one string (read back by `page_ticket`)."""
    joined = (fn.STRING_AGG(Tag.name, TAG_SEPARATOR) if is_postgres()
              else fn.GROUP_CONCAT(Tag.name, TAG_SEPARATOR))
    return (TicketTag.select(joined).join(Tag, on=(TicketTag.tag == Tag.id))
            .where(TicketTag.ticket == Ticket.id))


def _page_ticket_query(workspace_id, user_id):
    return (Ticket.select(Ticket, Customer, Assignee.id, Assignee.name, Assignee.email,
                          watching_flag(Ticket.id, user_id).alias("watching"), _tag_names().alias("joined_tags"))
            .join(Customer)
            .switch(Ticket).join(Assignee, JOIN.LEFT_OUTER, on=(Ticket.assignee == Assignee.id), attr="assignee")
            .where(Ticket.workspace == workspace_id))


def _page_ticket_by(column):
    """Built once (core/selects.py): the text of this five-table SELECT cost more CPU than running it."""
    return PreparedSelect(lambda workspace_id, user_id, value: _page_ticket_query(workspace_id, user_id)
                          .where(column == value).limit(1), 3)


_BY_NUMBER, _BY_ID = _page_ticket_by(Ticket.number), _page_ticket_by(Ticket.id)


def page_ticket(workspace, user, *, number=None, ticket_id=None):
    """The ticket of `workspace` with that number (or id) for its page, or None, in one query: with its customer,
    assignee, tag names (`tag_names`, sorted) and whether `user` watches it (`watching`)."""
    prepared, value = (_BY_NUMBER, number) if number is not None else (_BY_ID, ticket_id)
    ticket = prepared.first(workspace.id, user.id, int(value))
    if ticket is not None:
        ticket.tag_names = sorted(filter(None, (ticket.joined_tags or "").split(TAG_SEPARATOR)))
        ticket.watching = bool(ticket.watching)
    return ticket


# The page's other SELECTs, built once too: their text was a fifth of the page's CPU.
_MESSAGES = PreparedSelect(lambda ticket_id: (
    Message.select(Message, *PEOPLE_SHOWN, Attachment)
    .join(User, JOIN.LEFT_OUTER, on=(Message.author == User.id), attr="author")
    .switch(Message).join(Attachment, JOIN.LEFT_OUTER, on=(Attachment.message == Message.id), attr="attachment")
    .where(Message.ticket == ticket_id).order_by(Message.id, Attachment.id)), 1)
_EVENTS = PreparedSelect(lambda ticket_id: (
    TicketEvent.select(TicketEvent, *PEOPLE_SHOWN)
    .join(User, JOIN.LEFT_OUTER, on=(TicketEvent.actor == User.id), attr="actor")
    .where(TicketEvent.ticket == ticket_id).order_by(TicketEvent.id)), 1)
_OTHER_TICKETS = PreparedSelect(lambda workspace_id, customer_id, ticket_id: (
    Ticket.of(workspace_id).where(Ticket.customer == customer_id, Ticket.id != ticket_id)
    .order_by(Ticket.id.desc()).limit(OTHER_TICKETS_SHOWN)), 3)
_CANNED_TITLES = PreparedSelect(lambda workspace_id: (
    CannedReply.of(workspace_id, CannedReply.id, CannedReply.title).order_by(CannedReply.title)), 1)


def _messages_with_attachments(ticket):
    """The ticket's messages with their authors, and {message id: [attachments]}, in one query."""
    messages, attachments = [], {}
    for row in _MESSAGES.rows(ticket.id):
        if not messages or messages[-1].id != row.id:
            messages.append(row)
        if row.attachment is not None and row.attachment.id is not None:
            attachments.setdefault(row.id, []).append(row.attachment)
    return messages, attachments


def ticket_page_context(workspace, ticket, user, *, now, url_for_attachment=None):
    """The ticket with its customer and assignee (and whether `user` watches it), conversation, history, tags and
    sidebar lists. `ticket` as `page_ticket` reads it (any other is read again)."""
    from flask import url_for

    def default_url(attachment, inline=False):
        return url_for("workspace.tickets.attachment", number=ticket.number, attachment_id=attachment.id,
                       inline="1" if inline else None)

    url_for_attachment = url_for_attachment or default_url
    if not hasattr(ticket, "tag_names"):  # not read by `page_ticket` (a form's answer reloads it)
        ticket = page_ticket(workspace, user, ticket_id=ticket.id)
    customer = ticket.customer
    messages, by_message = _messages_with_attachments(ticket)
    links = AttachmentLinks(url_for_attachment, [a for found in by_message.values() for a in found])
    remote = bool(getattr(workspace, "load_remote_images", False))
    events = _EVENTS.rows(ticket.id)
    timeline = sorted(
        [("message", m.created_at, m.id, m) for m in messages] + [("event", e.created_at, e.id, e) for e in events],
        key=lambda item: (item[1], item[0] == "message", item[2]))
    drafts = drafts_on(ticket)
    return {
        "ticket": ticket,
        "customer": customer,
        "messages": messages,
        "my_draft": next((d for d in drafts if d.user_id == user.id), None),
        "others_drafts": [d for d in drafts if d.user_id != user.id],
        "last_reply_seen": last_reply_of(messages, user.id),
        "held_replies": held_replies(messages, user, workspace, now),
        "timeline": [(kind, item) for kind, _, _, item in timeline],
        "events": events,
        "rendered": {m.id: Rendered(m, links, remote) for m in messages},
        "attachments": by_message,
        "attachment_url": url_for_attachment,
        "tags": ticket.tag_names,
        "other_tickets": _OTHER_TICKETS.rows(ticket.workspace_id, customer.id, ticket.id),
        "canned_replies": _CANNED_TITLES.rows(ticket.workspace_id),
        "viewers": [],  # who else is here: the presence poll's first answer, right after the page loads
        "reply_refusal": reply_refusal(ticket),
        "labels": LABELS,
    }
