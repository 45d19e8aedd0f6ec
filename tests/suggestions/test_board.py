"""The public board: reading needs nothing, writing a signed-in end user; votes, comments, reports, lists."""
import re
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions import pages, services, trending
from helpdesk.suggestions.models import (Suggestion, SuggestionBoard, SuggestionComment, SuggestionReport,
                                         SuggestionStatus, SuggestionTag, SuggestionVote)
from helpdesk.workspaces.models import Workspace
from tests.factories import make_workspace
from tests.helpcenter.helpers import form_fields
from tests.helpcenter.test_end_users import signed_in


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


def person(workspace, email="ann@client.example", name="Ann"):
    return EndUser.create(workspace=workspace, email=email, name=name)


def idea(workspace, author, title="Dark mode for the app", now=None, **values):
    return services.post_suggestion(workspace, author, title=title, description=values.pop("description", ""),
                                    tag_id=values.pop("tag_id", None), now=now or utcnow())


def test_posting_renders_sanitized_markdown_and_the_author_votes(app_context, acme):
    ann = person(acme)
    posted = idea(acme, ann, description="**Yes** <script>alert(1)</script> [x](javascript:alert(2))")
    assert "<strong>Yes</strong>" in posted.description_html
    assert "<script" not in posted.description_html and "javascript:" not in posted.description_html
    assert (posted.vote_count, posted.slug, posted.held_for_review) == (1, "dark-mode-for-the-app", False)
    with pytest.raises(services.BoardError):
        services.post_suggestion(acme, ann, title=" \x00 ", description="", tag_id=None, now=utcnow())
    other_tag = SuggestionTag.create(workspace=make_workspace(name="Other"), name="Theirs")
    with pytest.raises(services.BoardError, match="tag"):
        idea(acme, ann, tag_id=other_tag.id)


def test_a_second_click_takes_the_vote_back_and_counts_stay_exact(app_context, acme):
    ann, bob = person(acme), person(acme, "bob@client.example", "Bob")
    posted = idea(acme, ann)
    assert services.toggle_vote(acme, posted, bob, now=utcnow()) == (True, 2)
    assert services.toggle_vote(acme, posted, bob, now=utcnow()) == (False, 1)
    assert services.toggle_vote(acme, posted, ann, now=utcnow()) == (False, 0)
    assert SuggestionVote.select().count() == 0 and Suggestion.get_by_id(posted.id).trending_votes == 0


def test_a_vote_older_than_14_days_leaves_trending_alone_when_taken_back(app_context, acme):
    ann, bob = person(acme), person(acme, "bob@client.example")
    now = utcnow()
    posted = idea(acme, ann, now=now - timedelta(days=20))
    trending.recount_trending(now=now)  # the daily recount dropped the old vote
    assert Suggestion.get_by_id(posted.id).trending_votes == 0
    assert services.toggle_vote(acme, posted, ann, now=now) == (False, 0)
    services.toggle_vote(acme, posted, bob, now=now)
    assert Suggestion.get_by_id(posted.id).trending_votes == 1


def test_comments_have_one_level_of_replies_and_the_author_edits_for_15_minutes(app_context, acme):
    ann, bob = person(acme), person(acme, "bob@client.example", "Bob")
    now = utcnow()
    posted = idea(acme, ann)
    first = services.add_comment(acme, posted, bob, body="Me too", parent_id=None, now=now)
    reply = services.add_comment(acme, posted, ann, body="Thanks", parent_id=first.id, now=now)
    deeper = services.add_comment(acme, posted, bob, body="Welcome", parent_id=reply.id, now=now)
    assert (reply.parent_id, deeper.parent_id) == (first.id, first.id)
    assert Suggestion.get_by_id(posted.id).comment_count == 3
    assert [(c.body_html, [r.body_html for r in rs]) for c, rs in pages.comment_threads(posted, None)] == \
        [("<p>Me too</p>", ["<p>Thanks</p>", "<p>Welcome</p>"])]  # the public page reads the HTML only
    services.edit_comment(acme, first.id, bob, body="Me too, *please*", now=now + timedelta(minutes=14))
    assert "<em>please</em>" in SuggestionComment.get_by_id(first.id).body_html
    with pytest.raises(services.BoardError, match="15 minutes"):
        services.edit_comment(acme, first.id, bob, body="Later", now=now + timedelta(minutes=16))
    with pytest.raises(services.BoardError, match="15 minutes"):
        services.edit_comment(acme, first.id, ann, body="Not mine", now=now)
    other = idea(acme, ann, title="Other")
    with pytest.raises(services.BoardError):
        services.add_comment(acme, other, bob, body="x", parent_id=first.id, now=now)


def test_held_and_hidden_posts_are_seen_by_their_author_only(app_context, acme):
    ann, bob = person(acme), person(acme, "bob@client.example")
    SuggestionBoard.create(workspace=acme, hold_first_posts=True)
    held = idea(acme, ann)
    assert held.held_for_review
    assert pages.board_page(acme, None)[0] == [] and pages.board_page(acme, bob)[0] == []
    assert [s.id for s in pages.board_page(acme, ann)[0]] == [held.id]
    assert pages.suggestion_of(acme, held.id, bob) is None and pages.suggestion_of(acme, held.id, ann)
    comment = services.add_comment(acme, held, ann, body="more", parent_id=None, now=utcnow())
    assert comment.held_for_review and Suggestion.get_by_id(held.id).comment_count == 0
    assert pages.comment_threads(held, bob) == [] and len(pages.comment_threads(held, ann)) == 1
    Suggestion.update(held_for_review=False).execute()  # approved by an agent
    assert not idea(acme, ann, title="Second one").held_for_review  # no longer a first post
    Suggestion.update(hidden=True).where(Suggestion.id == held.id).execute()
    assert pages.suggestion_of(acme, held.id, None) is None and pages.suggestion_of(acme, held.id, ann)


def test_lists_top_new_trending_filters_and_keyset_pages(app_context, acme):
    ann, bob = person(acme), person(acme, "bob@client.example")
    tag = SuggestionTag.create(workspace=acme, name="Reports")
    rows = [idea(acme, ann, title=f"Idea {n}", tag_id=tag.id if n % 2 else None) for n in range(45)]
    for row in rows[:3]:
        services.toggle_vote(acme, row, bob, now=utcnow())
    Suggestion.update(status=SuggestionStatus.PLANNED).where(Suggestion.id == rows[4].id).execute()
    top, voted, more = pages.board_page(acme, bob)
    assert [s.id for s in top[:3]] == [rows[2].id, rows[1].id, rows[0].id] and voted == {r.id for r in rows[:3]}
    seen = [s.id for s in top]
    while more:
        page, _voted, more = pages.board_page(acme, bob, after=pages.parse_cursor(more))
        seen += [s.id for s in page]
    assert sorted(seen) == sorted(r.id for r in rows) and len(seen) == len(set(seen))
    new = pages.board_page(acme, None, order="new")[0]
    assert new[0].id == rows[-1].id
    assert [s.id for s in pages.board_page(acme, None, order="new", after=(rows[20].id,))[0]][:1] == [rows[19].id]
    assert [s.id for s in pages.board_page(acme, None, status="planned")[0]] == [rows[4].id]
    assert all(s.tag and s.tag.id == tag.id for s in pages.board_page(acme, None, tag_id=tag.id)[0])
    assert {s.id for s in pages.board_page(acme, bob, voted=True)[0]} == {r.id for r in rows[:3]}
    assert pages.board_page(acme, bob, mine=True)[0] == []
    assert pages.board_page(acme, None, order="trending")[0][0].id == rows[2].id
    assert pages.parse_cursor("x.y") == () and pages.parse_cursor("3.9") == (3, 9)


def test_roadmap_and_similar(app_context, acme):
    ann, now = person(acme), utcnow()
    planned = idea(acme, ann, title="Export to CSV")
    old_done = idea(acme, ann, title="Old thing")
    Suggestion.update(status="planned").where(Suggestion.id == planned.id).execute()
    Suggestion.update(status="done", status_changed_at=now - timedelta(days=40)).where(
        Suggestion.id == old_done.id).execute()
    columns = pages.roadmap(acme, now=now)
    assert [s.id for s in columns["planned"]] == [planned.id] and columns["done"] == []
    assert [s.id for s in pages.similar(acme, "csv export please")] == [planned.id]
    assert pages.similar(acme, "ab") == [] and pages.similar(make_workspace(name="B"), "export") == []


def test_a_report_is_kept_once_per_person(app_context, acme):
    ann = person(acme)
    posted = idea(acme, ann)
    services.report(acme, ann, posted, comment_id=None, reason="spam", now=utcnow())
    services.report(acme, ann, posted, comment_id=None, reason="spam", now=utcnow())
    assert SuggestionReport.select().count() == 1
