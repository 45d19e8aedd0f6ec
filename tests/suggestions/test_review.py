"""Hiding, deleting, the hold-first-posts setting and the review queue; each audited and tenant-scoped."""
import pytest

from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.suggestions import review
from helpdesk.suggestions.models import Suggestion, SuggestionComment, SuggestionVote
from tests.factories import make_workspace, owner_of

NOW = utcnow()


@pytest.fixture
def desk(app_context):
    workspace = make_workspace()
    suggestion = Suggestion.create(workspace=workspace, title="Spam?", comment_count=1)
    comment = SuggestionComment.create(workspace=workspace, suggestion=suggestion, body="Buy now", body_html="x")
    return workspace, owner_of(workspace).user, suggestion, comment


def test_hide_with_a_reason_and_show_again(desk):
    workspace, agent, suggestion, comment = desk
    review.set_hidden(workspace, agent, suggestion, True, "Off topic", now=NOW)
    stored = Suggestion.get_by_id(suggestion.id)
    assert stored.hidden and stored.hidden_reason == "Off topic"
    review.set_hidden(workspace, agent, comment, True, "Advertising", now=NOW)
    assert Suggestion.get_by_id(suggestion.id).comment_count == 0
    review.set_hidden(workspace, agent, comment, False, "", now=NOW)
    assert Suggestion.get_by_id(suggestion.id).comment_count == 1
    assert AuditEntry.select().where(AuditEntry.action.startswith("suggestion.")).count() == 3


def test_delete_a_comment_keeps_its_place_and_a_post_goes_with_its_votes(desk):
    workspace, agent, suggestion, comment = desk
    review.delete_comment(workspace, agent, comment, now=NOW)
    stored = SuggestionComment.get_by_id(comment.id)
    assert stored.deleted_at and stored.body == "" and Suggestion.get_by_id(suggestion.id).comment_count == 0
    SuggestionVote.create(workspace=workspace, suggestion=suggestion, email="a@b.example")
    review.delete_suggestion(workspace, agent, suggestion, now=NOW)
    assert not Suggestion.select().exists() and not SuggestionVote.select().exists()


def test_the_review_queue_approves_and_rejects(desk):
    workspace, agent, suggestion, comment = desk
    review.set_hold_first_posts(workspace, agent, True, now=NOW)
    assert review.holds_first_posts(workspace)
    held = Suggestion.create(workspace=workspace, title="First post", held_for_review=True)
    SuggestionComment.update(held_for_review=True).where(SuggestionComment.id == comment.id).execute()
    posts, comments = review.review_queue(workspace)
    assert [p.id for p in posts] == [held.id] and [c.id for c in comments] == [comment.id]
    review.approve(workspace, agent, held, now=NOW)
    review.reject(workspace, agent, SuggestionComment.get_by_id(comment.id), now=NOW)
    assert review.review_queue(workspace) == ([], [])
    review.set_hold_first_posts(workspace, agent, False, now=NOW)
    assert not review.holds_first_posts(workspace)


def test_another_workspaces_rows_are_refused(desk):
    _, agent, suggestion, comment = desk
    other = make_workspace()
    for action in (lambda: review.set_hidden(other, agent, suggestion, True, "x", now=NOW),
                   lambda: review.delete_suggestion(other, agent, suggestion, now=NOW),
                   lambda: review.delete_comment(other, agent, comment, now=NOW),
                   lambda: review.approve(other, agent, comment, now=NOW)):
        with pytest.raises(LookupError):
            action()
    assert Suggestion.select().count() == 1 and not Suggestion.get().hidden
