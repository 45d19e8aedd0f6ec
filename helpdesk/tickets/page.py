"""Everything the ticket page shows, in a fixed number of queries."""
from markupsafe import Markup
from peewee import JOIN

from helpdesk.accounts.models import User
from helpdesk.core.sanitize import sanitize_html
from helpdesk.customers.models import Customer
from helpdesk.mail.quoting import split_quoted_html, split_quoted_text
from helpdesk.tickets.drafts import drafts_on
from helpdesk.tickets.inbox import Assignee
from helpdesk.tickets.models import Attachment, CannedReply, Channel, Message, Priority, Status, Ticket, TicketEvent
from helpdesk.tickets.sending import held_replies
from helpdesk.tickets.services import other_viewers, reply_refusal, tags_of
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


def ticket_page_context(workspace, ticket, user, *, now, url_for_attachment=None):
    """The ticket with its customer and assignee (and whether `user` watches it), conversation, history, tags and
    sidebar lists."""
    from flask import url_for

    def default_url(attachment, inline=False):
        return url_for("workspace.tickets.attachment", number=ticket.number, attachment_id=attachment.id,
                       inline="1" if inline else None)

    url_for_attachment = url_for_attachment or default_url
    ticket = (Ticket.select(Ticket, Customer, Assignee, watching_flag(Ticket.id, user.id).alias("watching"))
              .join(Customer)
              .switch(Ticket).join(Assignee, JOIN.LEFT_OUTER, on=(Ticket.assignee == Assignee.id), attr="assignee")
              .where(Ticket.id == ticket.id).get())
    customer = ticket.customer
    messages = list(Message.select(Message, User).join(User, JOIN.LEFT_OUTER, on=(Message.author == User.id),
                                                       attr="author")
                    .where(Message.ticket == ticket).order_by(Message.id))
    attachments = list(Attachment.select().join(Message).where(Message.ticket == ticket).order_by(Attachment.id))
    by_message = {}
    for attachment in attachments:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    links = AttachmentLinks(url_for_attachment, attachments)
    remote = bool(getattr(workspace, "load_remote_images", False))
    events = list(TicketEvent.select(TicketEvent, User).join(User, JOIN.LEFT_OUTER,
                                                             on=(TicketEvent.actor == User.id), attr="actor")
                  .where(TicketEvent.ticket == ticket).order_by(TicketEvent.id))
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
        "held_replies": held_replies(messages, user, workspace, now),
        "timeline": [(kind, item) for kind, _, _, item in timeline],
        "events": events,
        "rendered": {m.id: Rendered(m, links, remote) for m in messages},
        "attachments": by_message,
        "attachment_url": url_for_attachment,
        "tags": tags_of([ticket.id])[ticket.id],
        "other_tickets": list(Ticket.of(ticket.workspace_id).where(Ticket.customer == customer, Ticket.id != ticket.id)
                              .order_by(Ticket.id.desc()).limit(OTHER_TICKETS_SHOWN)),
        "canned_replies": list(CannedReply.of(ticket.workspace_id, CannedReply.id, CannedReply.title)
                               .order_by(CannedReply.title)),
        "viewers": other_viewers(ticket, user.id, now=now),
        "reply_refusal": reply_refusal(ticket),
        "labels": LABELS,
    }
