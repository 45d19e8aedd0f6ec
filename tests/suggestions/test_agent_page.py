"""The agents' suggestion page: who posted it, its public address, and every comment with what agents may do."""
import pytest

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions import services
from helpdesk.suggestions.models import Suggestion, SuggestionComment
from tests.conftest import post, sign_in
from tests.factories import make_workspace, owner_of


@pytest.fixture
def discussed(app, client):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        ann = EndUser.create(workspace=workspace, email="ann@client.example", name="Ann Lee")
        suggestion = services.post_suggestion(workspace, ann, title="Dark mode", description="", tag_id=None,
                                              now=utcnow())
        rude = services.add_comment(workspace, suggestion, ann, body="A rude remark", parent_id=None, now=utcnow())
        SuggestionComment.create(workspace=workspace, suggestion=suggestion, author=ann, body="Held one",
                                 body_html="<p>Held one</p>", held_for_review=True)
        sign_in(client, owner_of(workspace).user)
    return workspace, suggestion, rude


def test_the_page_shows_the_author_the_public_address_and_every_comment(client, discussed):
    workspace, suggestion, _ = discussed
    page = client.get(f"/w/{workspace.slug}/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "Posted by <bdi>Ann Lee</bdi>" in page
    assert f'href="/h/{workspace.slug}/suggestions/{suggestion.id}-dark-mode">See it on the public board' in page
    assert "A rude remark" in page and "Held one" in page and "Approve comment" in page
    assert 'data-confirm="Delete this suggestion with its votes and comments? This cannot be undone."' in page


def test_an_agent_hides_a_comment_from_the_page_and_the_board_stops_showing_it(client, discussed):
    workspace, suggestion, rude = discussed
    agent_url = f"/w/{workspace.slug}/suggestions/{suggestion.id}"
    response = post(client, f"/w/{workspace.slug}/suggestions/comments/{rude.id}/hide", {"reason": "Be kind"},
                    headers={"Referer": "http://localhost" + agent_url})
    assert response.status_code == 302 and response.headers["Location"].endswith(agent_url)
    page = client.get(agent_url).get_data(as_text=True)
    assert "A rude remark" in page and "Be kind" in page and "Show comment again" in page
    public = client.get(f"/h/{workspace.slug}/suggestions/{suggestion.id}-dark-mode").get_data(as_text=True)
    assert "A rude remark" not in public
    assert Suggestion.get_by_id(suggestion.id).comment_count == 0
