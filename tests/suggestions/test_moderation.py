"""Status with an official reply, tickets linked to suggestions, the one email each when it ships, merge."""
from datetime import timedelta

import pytest

from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions import moderation, tickets_link
from helpdesk.suggestions.models import (Suggestion, SuggestionComment, SuggestionSubscription, SuggestionVote,
                                         TicketSuggestion)
from helpdesk.tickets.models import TicketEvent
from tests.conftest import sent_mail
from tests.factories import make_customer, make_ticket, make_workspace, owner_of

NOW = utcnow()


def voter(suggestion, email):
    end_user = EndUser.create(workspace=suggestion.workspace_id, email=email)
    tickets_link.add_voter(suggestion, email, end_user=end_user, now=NOW)
    return email


@pytest.fixture
def desk(app_context):
    workspace = make_workspace()
    suggestion = Suggestion.create(workspace=workspace, title="Dark mode")
    author = voter(suggestion, "author@people.example")
    return workspace, owner_of(workspace).user, suggestion, author


def test_status_with_an_official_reply_is_stored_audited_and_mailed(app, desk):
    workspace, agent, suggestion, author = desk
    changed = moderation.change_status(workspace, agent, suggestion, "planned", "Coming in **March**.", now=NOW)
    assert changed == {"status", "official_reply"}
    stored = Suggestion.get_by_id(suggestion.id)
    assert (stored.status, stored.official_reply_by_id) == ("planned", agent.id)
    assert "<strong>March</strong>" in stored.official_reply_html
    entry = AuditEntry.get(AuditEntry.action == "suggestion.status")
    assert entry.detail_dict["before"] == "open" and entry.detail_dict["after"] == "planned"
    (message,) = sent_mail(app, to=author)
    assert "Coming in **March**." in message.get_body(("plain",)).get_content()
    assert moderation.change_status(workspace, agent, stored, "planned", "Coming in **March**.", now=NOW) == set()


def test_refusals(desk):
    workspace, agent, suggestion, _ = desk
    with pytest.raises(LookupError):
        moderation.change_status(make_workspace(), agent, suggestion, "planned", "", now=NOW)
    with pytest.raises(moderation.ModerationError):
        moderation.change_status(workspace, agent, suggestion, "shipped-yesterday", "", now=NOW)
    moderation.change_status(workspace, agent, suggestion, "declined", "", now=NOW)
    with pytest.raises(moderation.ModerationError, match="cannot move"):  # the state machine
        moderation.change_status(workspace, agent, Suggestion.get_by_id(suggestion.id), "done", "", now=NOW)


def test_linking_a_ticket_makes_its_customer_a_voter_and_tells_them(app, desk):
    workspace, agent, suggestion, _ = desk
    ticket = make_ticket(workspace, make_customer(workspace, email="Cara@Client.example"))
    assert tickets_link.link_ticket(workspace, agent, ticket, suggestion, now=NOW) is True
    assert tickets_link.link_ticket(workspace, agent, ticket, suggestion, now=NOW) is False  # twice is once
    assert SuggestionVote.select().where(SuggestionVote.email == "cara@client.example").count() == 1
    assert Suggestion.get_by_id(suggestion.id).vote_count == 2
    (message,) = sent_mail(app, to="cara@client.example")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [t.number for t in tickets_link.linked_tickets(suggestion)] == [ticket.number]
    assert AuditEntry.select().where(AuditEntry.action == "suggestion.ticket_linked").count() == 1
    with pytest.raises(LookupError):
        tickets_link.link_ticket(workspace, agent, make_ticket(make_workspace()), suggestion, now=NOW)


def test_done_sends_one_email_to_each_asker_and_marks_each_linked_ticket_once(app, desk):
    workspace, agent, suggestion, author = desk
    vic = voter(suggestion, "vic@people.example")
    # Vic also wrote a ticket about it: one email for Vic, not two.
    vic_ticket = make_ticket(workspace, make_customer(workspace, email=vic))
    other_ticket = make_ticket(workspace, make_customer(workspace, email="olga@client.example"))
    for ticket in (vic_ticket, other_ticket):
        tickets_link.link_ticket(workspace, agent, ticket, suggestion, now=NOW)
    later = NOW + timedelta(hours=2)  # past the hour of the "you were added" emails
    before = {to: len(sent_mail(app, to=to)) for to in (vic, "olga@client.example", author)}
    moderation.change_status(workspace, agent, suggestion, "done", "Shipped today.", now=later)
    for to, count in before.items():
        assert len(sent_mail(app, to=to)) == count + 1, to
    events = TicketEvent.select().where(TicketEvent.kind == tickets_link.SHIPPED_EVENT)
    assert sorted(e.ticket_id for e in events) == sorted([vic_ticket.id, other_ticket.id])
    # Reopened by mistake and done again: no second event, no second "shipped" email.
    moderation.change_status(workspace, agent, Suggestion.get_by_id(suggestion.id), "in_progress", "", now=later)
    moderation.change_status(workspace, agent, Suggestion.get_by_id(suggestion.id), "done", "",
                             now=later + timedelta(hours=3))
    assert events.count() == 2
    from helpdesk.suggestions.notify import send_due_notices

    send_due_notices(now=later + timedelta(hours=3))  # the periodic run: the waiting "in progress" news
    assert len(sent_mail(app, to="olga@client.example")) == before["olga@client.example"] + 2  # +1: in progress


def test_merge_moves_each_vote_once_comments_and_tickets(desk):
    workspace, agent, target, author = desk
    duplicate = Suggestion.create(workspace=workspace, title="Night theme")
    both = voter(target, "both@p.example")
    tickets_link.add_voter(duplicate, both, now=NOW)
    voter(duplicate, "dup@p.example")
    SuggestionComment.create(workspace=workspace, suggestion=duplicate, body="Me too", body_html="<p>Me too</p>")
    ticket = make_ticket(workspace)
    tickets_link.link_ticket(workspace, agent, ticket, duplicate, now=NOW)  # its customer votes too
    merged = moderation.merge(workspace, agent, duplicate, target, now=NOW)
    emails = [v.email for v in SuggestionVote.select().where(SuggestionVote.suggestion == target)]
    assert sorted(emails) == sorted(set(emails)) and len(emails) == 4  # author, both, dup, the ticket's customer
    assert merged.vote_count == 4 and Suggestion.get_by_id(duplicate.id).vote_count == 0
    assert merged.comment_count == 1 and SuggestionComment.get().suggestion_id == target.id
    assert TicketSuggestion.get().suggestion_id == target.id
    assert SuggestionSubscription.select().where(SuggestionSubscription.suggestion == duplicate).count() == 0
    assert Suggestion.get_by_id(duplicate.id).merged_into_id == target.id
    assert AuditEntry.select().where(AuditEntry.action == "suggestion.merged").count() == 1
    with pytest.raises(moderation.ModerationError):
        moderation.merge(workspace, agent, duplicate, target, now=NOW)  # once
    with pytest.raises(LookupError):
        moderation.merge(workspace, agent, Suggestion.create(workspace=make_workspace(), title="x"), target, now=NOW)
