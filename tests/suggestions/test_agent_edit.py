"""Agents correct a suggestion's title and description: sanitized like the public side, audited, shown at once."""
import pytest

from helpdesk.core.audit import AuditEntry
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions import services
from helpdesk.suggestions.models import Suggestion
from tests.conftest import post, sign_in
from tests.factories import make_workspace, owner_of


@pytest.fixture
def posted(app, client):
    with app.app_context():
        workspace, other = make_workspace(name="Acme"), make_workspace(name="Other")
        ann = EndUser.create(workspace=workspace, email="ann@client.example", name="Ann")
        suggestion = services.post_suggestion(workspace, ann, title="Drak mode", description="Plese",
                                              tag_id=None, now=Suggestion.created_at.default())
        sign_in(client, owner_of(workspace).user)
        foreign_owner = owner_of(other).user
    return workspace, suggestion, other, foreign_owner


def edit_url(workspace, suggestion):
    return f"/w/{workspace.slug}/suggestions/{suggestion.id}/edit"


def test_an_agent_edits_the_text_and_the_public_page_shows_it_sanitized(client, posted):
    workspace, suggestion, *_ = posted
    old_public = f"/h/{workspace.slug}/suggestions/{suggestion.id}-{suggestion.slug}"
    response = post(client, edit_url(workspace, suggestion),
                    {"title": " Dark mode\x00 for <b>all</b> ", "description": "**Please** <script>alert(1)</script>"})
    assert response.status_code == 302
    agent_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved: the public board shows the new text." in agent_page
    edited = Suggestion.get_by_id(suggestion.id)
    assert edited.title == "Dark mode for <b>all</b>" and edited.slug == "dark-mode-for-b-all-b"
    assert "<strong>Please</strong>" in edited.description_html and "<script" not in edited.description_html
    public = client.get(old_public, follow_redirects=True)  # the old address leads to the new one
    page = public.get_data(as_text=True)
    assert public.request.path.endswith(f"/{suggestion.id}-{edited.slug}")
    assert "Dark mode for &lt;b&gt;all&lt;/b&gt;" in page and "<strong>Please</strong>" in page
    assert "Drak" not in page and "<script>alert(1)" not in page
    [entry] = AuditEntry.select().where(AuditEntry.action == "suggestion.edited")
    assert entry.workspace_id == workspace.id and entry.detail_dict["title_before"] == "Drak mode"
    assert entry.detail_dict["title_changed"] and entry.detail_dict["description_changed"]


def test_an_empty_title_is_refused_and_keeps_what_was_typed(client, posted):
    workspace, suggestion, *_ = posted
    response = post(client, edit_url(workspace, suggestion), {"title": " \x00 ", "description": "Kept text"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the suggestion a title." in page and "Kept text" in page
    assert Suggestion.get_by_id(suggestion.id).title == "Drak mode"
    assert not post(client, edit_url(workspace, suggestion), {"title": "x" * 201}).status_code == 302


def test_an_unchanged_text_writes_no_audit_row(client, posted):
    workspace, suggestion, *_ = posted
    assert post(client, edit_url(workspace, suggestion), {"title": "Drak mode", "description": "Plese"}).status_code == 302
    assert not AuditEntry.select().where(AuditEntry.action == "suggestion.edited").exists()


def test_without_csrf_or_from_another_workspace_nothing_changes(app, client, posted):
    workspace, suggestion, other, foreign_owner = posted
    response = client.post(edit_url(workspace, suggestion), data={"title": "Hacked", "description": "x"})
    assert response.status_code == 400
    assert post(client, edit_url(other, suggestion), {"title": "Hacked"}).status_code in (403, 404)
    foreign = Suggestion.create(workspace=other, title="Theirs")
    assert post(client, f"/w/{workspace.slug}/suggestions/{foreign.id}/edit", {"title": "Hacked"}).status_code == 404
    with app.test_client() as intruder:
        sign_in(intruder, foreign_owner)
        assert post(intruder, edit_url(other, suggestion), {"title": "Hacked"}).status_code == 404
    assert Suggestion.get_by_id(suggestion.id).title == "Drak mode"
    assert Suggestion.get_by_id(foreign.id).title == "Theirs"
    assert not AuditEntry.select().where(AuditEntry.action == "suggestion.edited").exists()
