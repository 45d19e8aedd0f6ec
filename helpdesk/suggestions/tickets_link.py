"""Tickets meet suggestions: a ticket linked to what its customer asked for, and told when it ships.

Linking adds the ticket's customer as a voter (by their address: one vote per person however
they came) and subscriber, and emails them. When the suggestion is done, `ship()` writes a
"suggestion shipped" event on each linked ticket once (a compare-and-set on `shipped_at` in the
transaction of the event) and returns the addresses of everyone who asked, by vote or by ticket,
(and the other followers) not yet told it shipped (`shipped_emailed_at`): the one email each that
`moderation.change_status` queues.
"""
import json

from peewee import fn

from helpdesk.core import audit
from helpdesk.core.inserts import create_row
from helpdesk.customers.models import Customer
from helpdesk.extensions import db
from helpdesk.knowledge.markup import render_markdown
from helpdesk.suggestions import notify, trending
from helpdesk.suggestions.models import Suggestion, SuggestionSubscription, SuggestionVote, TicketSuggestion
from helpdesk.tickets.models import Message, Ticket, TicketEvent

SHIPPED_EVENT = "suggestion shipped"


def _email_of(customer):
    return customer.email.strip().lower() if customer.email else None


def add_voter(suggestion, email, *, customer=None, end_user=None, now):
    """`email` votes for and follows `suggestion` (nothing new when they already did); the count is recounted."""
    (SuggestionVote.insert(workspace=suggestion.workspace_id, suggestion=suggestion, email=email, customer=customer,
                           end_user=end_user, created_at=now).on_conflict_ignore().execute())
    (SuggestionSubscription.insert(workspace=suggestion.workspace_id, suggestion=suggestion, email=email,
                                   customer=customer, end_user=end_user, created_at=now)
     .on_conflict_ignore().execute())
    recount_votes(suggestion)


def recount_votes(suggestion):
    """The stored vote and trending counts, set from the votes themselves (exact, whatever moved)."""
    (Suggestion.update(vote_count=SuggestionVote.select(fn.COUNT(SuggestionVote.id))
                       .where(SuggestionVote.suggestion == suggestion), trending_votes=trending.stored_count())
     .where(Suggestion.id == suggestion.id).execute())


def link_ticket(workspace, actor, ticket, suggestion, *, now):
    """Link `ticket` to `suggestion`, add its customer as a voter and email them. Returns True when new."""
    if ticket.workspace_id != workspace.id or suggestion.workspace_id != workspace.id:
        raise LookupError("not of this workspace")
    customer = Customer.get_by_id(ticket.customer_id)
    email = _email_of(customer)
    with db.database.atomic():
        created = (TicketSuggestion.insert(workspace=workspace, suggestion=suggestion, ticket=ticket, linked_by=actor,
                                           created_at=now).on_conflict_ignore().as_rowcount().execute())
        if not created:
            return False
        if email:
            add_voter(suggestion, email, customer=customer, now=now)
        audit.record("suggestion.ticket_linked", now=now, workspace=workspace, actor=actor,
                     suggestion=suggestion.id, ticket=ticket.number)
    if email:
        notify.notify(suggestion, "linked", now=now, emails={email})
    return True


def linked_tickets(suggestion):
    """The tickets that asked for `suggestion`, newest first."""
    return list(Ticket.select(Ticket.id, Ticket.number, Ticket.subject, Ticket.status)
                .join(TicketSuggestion, on=(TicketSuggestion.ticket == Ticket.id))
                .where(TicketSuggestion.suggestion == suggestion).order_by(Ticket.id.desc()))


def suggestions_of_ticket(ticket):
    """The suggestions `ticket` is linked to."""
    return list(Suggestion.select().join(TicketSuggestion, on=(TicketSuggestion.suggestion == Suggestion.id))
                .where(TicketSuggestion.ticket == ticket).order_by(Suggestion.id))


def search(workspace, text, limit=10):
    """Suggestions whose title contains `text` (the ticket page's picker), most voted first; not merged ones."""
    text = (text or "").strip()
    if not text:
        return []
    return list(Suggestion.of(workspace).where(Suggestion.title.contains(text), Suggestion.merged_into.is_null())
                .order_by(Suggestion.vote_count.desc(), Suggestion.id.desc()).limit(limit))


def create_from_ticket(workspace, actor, ticket, title, *, now):
    """A new suggestion with the ticket's first message as its description, asked by its customer; linked."""
    from helpdesk.core.slugs import slugify

    first = Message.select(Message.body_text).where(Message.ticket == ticket).order_by(Message.id).first()
    description = (first.body_text if first else "")[:20000]
    title = title.strip()[:200]
    suggestion = Suggestion.create(workspace=workspace, author_customer=ticket.customer_id, created_by=actor,
                                   title=title, slug=slugify(title, max_length=80, fallback="suggestion"), description=description,
                                   description_html=render_markdown(description)[0], created_at=now, updated_at=now)
    audit.record("suggestion.created_from_ticket", now=now, workspace=workspace, actor=actor,
                 suggestion=suggestion.id, ticket=ticket.number)
    link_ticket(workspace, actor, ticket, suggestion, now=now)
    return suggestion


def ship(suggestion, actor, *, now):
    """Done: a "suggestion shipped" event per linked ticket (once); the addresses still to tell it shipped."""
    links = list(TicketSuggestion.select(TicketSuggestion, Ticket, Customer).join(Ticket).join(Customer)
                 .where(TicketSuggestion.suggestion == suggestion))
    for link in links:
        with db.database.atomic():
            claimed = (TicketSuggestion.update(shipped_at=now)
                       .where(TicketSuggestion.id == link.id, TicketSuggestion.shipped_at.is_null()).execute())
            if claimed:
                create_row(TicketEvent, workspace=link.workspace_id, ticket=link.ticket_id, actor=actor,
                           kind=SHIPPED_EVENT, data=json.dumps({"suggestion": suggestion.id, "title": suggestion.title}),
                           created_at=now)
        email = _email_of(link.ticket.customer)
        if email:  # asked by ticket: a voter too (linking made one), unless the vote was taken back
            (SuggestionSubscription.insert(workspace=suggestion.workspace_id, suggestion=suggestion, email=email,
                                           customer=link.ticket.customer_id, created_at=now)
             .on_conflict_ignore().execute())
    # Voters follow what they voted for, so the subscriptions now hold everyone who asked (and the author
    # and commenters, who hear about a status change anyway): one email each, unless told already.
    rows = SuggestionSubscription.select(SuggestionSubscription.email).where(
        SuggestionSubscription.suggestion == suggestion, SuggestionSubscription.shipped_emailed_at.is_null())
    return {email for (email,) in rows.tuples()}
