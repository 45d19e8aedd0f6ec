"""Knowledge-base rules: who writes, revisions, edit conflicts, counts, votes, failed searches, search."""
from datetime import datetime

import pytest

from helpdesk.knowledge import services as kb
from helpdesk.knowledge.models import Article, ArticleRevision, Category, State
from tests.factories import add_member, make_workspace, owner_of
from tests.knowledge.helpers import make_article, make_category

NOW = datetime(2026, 12, 2, 12, 0)


@pytest.fixture
def workspace(app_context):
    return make_workspace(name="Acme")


def test_agents_write_only_when_granted_owners_and_admins_always(workspace):
    agent = add_member(workspace)
    with pytest.raises(PermissionError):
        make_article(workspace, actor=agent)
    agent.may_edit_knowledge = True
    agent.save()
    assert make_article(workspace, actor=agent).author_id == agent.user_id
    admin = add_member(workspace, role="admin")
    assert make_category(workspace, actor=admin).name == "Getting started"


def test_every_save_keeps_a_revision_and_any_revision_can_be_restored(workspace):
    owner = owner_of(workspace)
    article = make_article(workspace, title="First title", body="one")
    article = kb.save_article(workspace, owner, article, title="Second title", summary="", body="two",
                              state=State.PUBLISHED, category_id=None, now=NOW, base_version=1)
    assert (article.version, article.slug) == (2, "second-title")
    restored = kb.restore_revision(workspace, owner, article, 1, now=NOW)
    assert (restored.version, restored.title, restored.body) == (3, "First title", "one")
    assert [r.version for r in kb.revisions(restored)] == [3, 2, 1]
    diff = kb.diff_lines(kb.revision(article, 1), kb.revision(article, 2))
    assert ("removed", "-# First title") in diff and ("added", "+two") in diff


def test_the_second_of_two_saves_from_one_version_is_refused_with_the_others_version(workspace):
    owner = owner_of(workspace)
    article = make_article(workspace, body="original")
    kb.save_article(workspace, owner, article, title=article.title, summary="", body="Ann's change",
                    state=State.PUBLISHED, category_id=None, now=NOW, base_version=1)
    with pytest.raises(kb.EditConflict) as refused:
        kb.save_article(workspace, owner, article, title=article.title, summary="", body="Bob's change",
                        state=State.PUBLISHED, category_id=None, now=NOW, base_version=1)
    assert refused.value.current.body == "Ann's change" and refused.value.current.version == 2
    assert refused.value.base.body == "original"
    assert Article.get_by_id(article.id).body == "Ann's change"
    assert ArticleRevision.select().where(ArticleRevision.article == article).count() == 2


def test_sub_categories_go_one_level_deep(workspace):
    top = make_category(workspace, "Billing")
    sub = make_category(workspace, "Invoices", parent=top)
    with pytest.raises(kb.KnowledgeError):
        make_category(workspace, "Too deep", parent=sub)
    with pytest.raises(kb.KnowledgeError):  # a category with children cannot move under another
        kb.save_category(workspace, owner_of(workspace), top, name="Billing", description="", position=0,
                         parent_id=make_category(workspace, "Other").id, now=NOW)
    assert [c.name for c in kb.category_tree(workspace)[0].subcategories] == ["Invoices"]


def test_category_counts_hold_published_articles_of_sub_categories_too(workspace):
    owner = owner_of(workspace)
    top, other = make_category(workspace, "Billing", position=1), make_category(workspace, "Account", position=0)
    sub = make_category(workspace, "Invoices", parent=top)
    make_article(workspace, "Paid", category=sub)
    make_article(workspace, "Top", category=top)
    make_article(workspace, "Draft", category=top, state=State.DRAFT)
    moved = make_article(workspace, "Internal", category=top, state=State.INTERNAL)
    counts = {c.name: c.article_count for c in kb.public_categories(workspace)}
    assert counts == {"Account": 0, "Billing": 2}
    assert [c.name for c in kb.public_categories(workspace)] == ["Account", "Billing"]
    kb.save_article(workspace, owner, moved, title="Internal", summary="", body="", state=State.PUBLISHED,
                    category_id=other.id, now=NOW, base_version=1)
    assert {c.name: c.article_count for c in kb.public_categories(workspace)} == {"Account": 1, "Billing": 2}
    assert Category.get_by_id(sub.id).article_count == 1


def test_deleting_a_category_that_still_holds_articles_is_refused(workspace):
    category = make_category(workspace)
    make_article(workspace, category=category, state=State.DRAFT)
    with pytest.raises(kb.KnowledgeError):
        kb.delete_category(workspace, owner_of(workspace), category, now=NOW)


def test_lists_for_visitors_hold_published_articles_only(workspace):
    older = make_article(workspace, "Published password article", now=datetime(2026, 1, 1))
    make_article(workspace, "Draft password article", state=State.DRAFT)
    make_article(workspace, "Internal password article", state=State.INTERNAL)
    make_article(workspace, "Newer", summary="", now=datetime(2026, 2, 1))
    other = make_workspace()
    make_article(other, "Other workspace's password article")
    assert [a.title for a in kb.recent_articles(workspace, 5)] == ["Newer", "Published password article"]
    assert [a.title for a in kb.popular_articles(workspace, 1)] == ["Newer"]
    kb.record_vote(workspace, older, "visitor-1", True, now=NOW)
    assert [a.title for a in kb.popular_articles(workspace, 1)] == ["Published password article"]
    assert [a.title for a in kb.search_published(workspace, "password")] == ["Published password article"]
    assert kb.search_published(workspace, "   ") == []


def test_search_puts_title_matches_first_and_highlights_snippets(workspace):
    make_article(workspace, "Shipping times", body="Printers ship in two days. " * 3, summary="")
    make_article(workspace, "Printer setup", body="Plug it in.", summary="Connect the device.")
    hits = kb.search.search_articles(workspace.id, "printe", [State.PUBLISHED])
    assert [h.article.title for h in hits] == ["Printer setup", "Shipping times"]
    assert "<mark>Printers</mark>" in str(hits[1].snippet)
    assert str(hits[0].snippet) == "Connect the device."


def test_snippets_escape_what_was_written(workspace):
    make_article(workspace, "Tags", body="When 1 < 2 & 3 > 2, a zebra", summary="")
    hit, = kb.search.search_articles(workspace.id, "zebra", [State.PUBLISHED])
    assert "1 &lt; 2 &amp; 3 &gt; 2" in str(hit.snippet) and "<mark>zebra</mark>" in str(hit.snippet)


def test_one_vote_per_visitor_and_article_changing_it_moves_the_counts(workspace):
    article = make_article(workspace)
    assert kb.record_vote(workspace, article, "v1", True, now=NOW)
    assert not kb.record_vote(workspace, article, "v1", True, now=NOW)
    kb.record_vote(workspace, article, "v2", True, now=NOW)
    kb.record_vote(workspace, article, "v1", False, now=NOW)
    fresh = Article.get_by_id(article.id)
    assert (fresh.helpful_yes, fresh.helpful_no) == (1, 1)
    with pytest.raises(LookupError):
        kb.record_vote(workspace, make_article(workspace, state=State.DRAFT), "v1", True, now=NOW)


def test_failed_searches_are_counted_per_month(workspace):
    for query in ("Refund  policy", "refund policy", "export"):
        kb.record_failed_search(workspace, query, now=NOW)
    kb.record_failed_search(workspace, "old", now=datetime(2026, 11, 30))
    top = kb.top_failed_searches(workspace, now=NOW)
    assert [(s.query, s.count) for s in top] == [("refund policy", 2), ("export", 1)]


def test_each_change_moves_the_stamp(workspace):
    assert kb.stamp_of(workspace) == (0, None)
    make_article(workspace, now=NOW)
    assert kb.stamp_of(workspace) == (1, NOW)
    make_category(workspace)
    assert kb.stamp_of(workspace)[0] == 2
