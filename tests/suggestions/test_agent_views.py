"""The agents' suggestion pages: moderation by form, a ticket's links, another workspace's ids, CSRF."""
import pytest

from helpdesk.core.clock import utcnow
from helpdesk.suggestions.models import Suggestion, SuggestionVote, TicketSuggestion
from tests.conftest import post, sent_mail, sign_in
from tests.factories import make_customer, make_ticket, make_workspace, owner_of


@pytest.fixture
def desk(app, client):
    with app.app_context():
        workspace = make_workspace()
        suggestion = Suggestion.create(workspace=workspace, title="Dark <script>mode</script>",
                                       description_html="<p>Please</p>")
        ticket = make_ticket(workspace, make_customer(workspace, email="cara@client.example"), subject="Dark theme?")
        other = make_workspace()
        foreign = Suggestion.create(workspace=other, title="Theirs")
        foreign_ticket = make_ticket(other)
        sign_in(client, owner_of(workspace).user)
    return workspace, suggestion, ticket, foreign, foreign_ticket


def test_the_list_filters_by_status(client, desk):
    workspace, suggestion, *_ = desk
    Suggestion.create(workspace=workspace, title="Exports", status="planned")
    page = client.get(f"/w/{workspace.slug}/suggestions/?status=planned").get_data(as_text=True)
    assert "Exports" in page and "Dark" not in page
    page = client.get(f"/w/{workspace.slug}/suggestions/").get_data(as_text=True)
    assert "Exports" in page and "Dark &lt;script&gt;" in page and "Theirs" not in page


def test_status_and_official_reply_by_form(app, client, desk):
    workspace, suggestion, *_ = desk
    url = f"/w/{workspace.slug}/suggestions/{suggestion.id}"
    response = post(client, url, {"status": "planned", "official_reply": "In March."})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Official reply" in page and "In March." in page
    assert Suggestion.get_by_id(suggestion.id).status == "planned"


def test_a_post_without_csrf_changes_nothing(client, desk):
    workspace, suggestion, *_ = desk
    response = client.post(f"/w/{workspace.slug}/suggestions/{suggestion.id}", data={"status": "declined"})
    assert response.status_code == 400
    assert Suggestion.get_by_id(suggestion.id).status == "open"


def test_another_workspaces_suggestion_or_ticket_is_404_everywhere(client, desk):
    workspace, suggestion, ticket, foreign, foreign_ticket = desk
    base = f"/w/{workspace.slug}/suggestions"
    assert client.get(f"{base}/{foreign.id}").status_code == 404
    assert post(client, f"{base}/{foreign.id}", {"status": "done"}).status_code == 404
    assert post(client, f"{base}/tickets/{ticket.number}/link", {"suggestion_id": foreign.id}).status_code == 404
    assert client.get(f"{base}/tickets/{foreign_ticket.number + 100}").status_code == 404
    assert Suggestion.get_by_id(foreign.id).status == "open" and not TicketSuggestion.select().exists()


def test_link_a_ticket_from_its_page(app, client, desk):
    workspace, suggestion, ticket, *_ = desk
    ticket_page = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}").get_data(as_text=True)
    assert "Link this ticket to a suggestion" in ticket_page
    panel = client.get(f"/w/{workspace.slug}/suggestions/tickets/{ticket.number}?q=Dark",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Link and add the customer as a voter" in panel and "<h1" not in panel
    response = post(client, f"/w/{workspace.slug}/suggestions/tickets/{ticket.number}/link",
                    {"suggestion_id": suggestion.id})
    assert response.status_code == 302
    assert SuggestionVote.select().where(SuggestionVote.email == "cara@client.example",
                                         SuggestionVote.suggestion == suggestion).exists()
    assert len(sent_mail(app, to="cara@client.example")) == 1
    page = client.get(f"/w/{workspace.slug}/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "Asked for in 1 ticket" in page and f"#{ticket.number} Dark theme?" in page


def test_make_a_suggestion_from_a_ticket(client, desk):
    workspace, _, ticket, *_ = desk
    response = post(client, f"/w/{workspace.slug}/suggestions/tickets/{ticket.number}/new", {"title": "Dark theme"})
    assert response.status_code == 302
    made = Suggestion.get(Suggestion.title == "Dark theme")
    assert made.description == "Hello, I need help." and made.vote_count == 1 and made.author_customer_id
    assert TicketSuggestion.get().ticket_id == ticket.id


def test_merge_by_form_and_refusals(client, desk):
    workspace, suggestion, _, foreign, _ = desk
    duplicate = Suggestion.create(workspace=workspace, title="Night theme")
    base = f"/w/{workspace.slug}/suggestions"
    assert post(client, f"{base}/{duplicate.id}/merge", {"target_id": foreign.id}).status_code == 404
    refused = post(client, f"{base}/{duplicate.id}/merge", {"target_id": duplicate.id})
    assert refused.status_code == 422 and "merged into itself" in refused.get_data(as_text=True)
    response = post(client, f"{base}/{duplicate.id}/merge", {"target_id": suggestion.id})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{base}/{suggestion.id}")
    assert Suggestion.get_by_id(duplicate.id).merged_into_id == suggestion.id


def test_hide_delete_and_the_review_queue_by_form(client, desk):
    workspace, suggestion, _, foreign, _ = desk
    base = f"/w/{workspace.slug}/suggestions"
    assert post(client, f"{base}/{suggestion.id}/hide", {"reason": "Off topic"}).status_code == 302
    assert "Hidden from the board: Off topic" in client.get(f"{base}/{suggestion.id}").get_data(as_text=True)
    assert post(client, f"{base}/{foreign.id}/hide", {"reason": "x"}).status_code == 404
    assert post(client, f"{base}/{foreign.id}/delete").status_code == 404
    assert client.post(f"{base}/{suggestion.id}/delete").status_code == 400  # no CSRF token
    assert post(client, f"{base}/review", {"hold": "1"}).status_code == 302
    held = Suggestion.create(workspace=workspace, title="First post", held_for_review=True)
    assert "First post" in client.get(f"{base}/review").get_data(as_text=True)
    assert post(client, f"{base}/{held.id}/approve").status_code == 302
    assert not Suggestion.get_by_id(held.id).held_for_review
    assert post(client, f"{base}/{foreign.id}/reject").status_code == 404
    assert post(client, f"{base}/{suggestion.id}/delete").status_code == 302
    assert not Suggestion.select().where(Suggestion.id == suggestion.id).exists()
