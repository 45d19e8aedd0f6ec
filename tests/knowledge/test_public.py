"""The public knowledge pages: visibility, URLs, SEO, search, votes, caching (Flask test client, anonymous)."""
import re
from datetime import datetime

import pytest
from flask import template_rendered

from helpdesk.helpcenter.models import HelpCenter
from helpdesk.knowledge import services as kb
from helpdesk.knowledge.models import Article, ArticleVote, FailedSearch, State
from helpdesk.workspaces.models import Workspace
from tests.conftest import csrf_token
from tests.factories import make_workspace, owner_of
from tests.knowledge.helpers import make_article, make_category, make_image

BODY = "## Before you start\nA table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Steps\n```\ncode\n```\n## After\nDone."


@pytest.fixture
def center(client):
    workspace = make_workspace(name="Acme")
    top = make_category(workspace, "Account")
    sub = make_category(workspace, "Passwords", parent=top)
    article = make_article(workspace, "Reset your password", body=BODY, category=sub)
    return workspace, top, sub, article


def h(workspace, path=""):
    return f"/h/{workspace.slug}/{path}"


def article_url(article):
    return f"/h/{article.workspace.slug}/articles/{article.id}-{article.slug}"


def test_an_article_page_has_breadcrumbs_toc_anchors_seo_and_updated_date(client, center):
    workspace, top, sub, article = center
    page = client.get(article_url(article))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<h1") == 1
    assert re.search(r'aria-label="Breadcrumbs".*Account.*Passwords', html, re.S)
    assert 'href="#s-before-you-start"' in html and '<h2 id="s-steps">' in html and "<table>" in html
    assert "On this page" in html and "Last updated" in html
    assert "<title>Reset your password · Acme</title>" in html
    assert '<meta name="description" content="How to reset a forgotten password.">' in html
    canonical = f"http://localhost/h/{workspace.slug}/articles/{article.id}-reset-your-password"
    assert f'<link rel="canonical" href="{canonical}">' in html and f'property="og:url" content="{canonical}"' in html
    assert 'property="og:title" content="Reset your password"' in html


def test_two_headings_make_no_table_of_contents(client, center):
    workspace = center[0]
    article = make_article(workspace, "Short", body="## One\n## Two")
    assert "On this page" not in client.get(article_url(article)).get_data(as_text=True)


def test_drafts_and_internal_articles_are_invisible_to_visitors(client, center):
    workspace, top, sub, article = center
    hidden = [make_article(workspace, "Secret draft password", state=State.DRAFT, category=sub),
              make_article(workspace, "Internal password runbook", state=State.INTERNAL, category=sub)]
    other = make_article(make_workspace(), "Elsewhere")
    for a in hidden:
        assert client.get(article_url(a)).status_code == 404
    assert client.get(f"/h/{workspace.slug}/articles/{other.id}-{other.slug}").status_code == 404
    visible = make_article(workspace, "Another password article", category=sub)
    texts = [client.get(article_url(article)).get_data(as_text=True),  # related articles
             client.get(h(workspace, f"categories/{sub.id}")).get_data(as_text=True),
             client.get(h(workspace, "search?q=password")).get_data(as_text=True),
             client.get(h(workspace, "sitemap.xml")).get_data(as_text=True)]
    for text in texts:
        assert "Secret" not in text and "runbook" not in text and "Internal" not in text
        assert f"/articles/{hidden[0].id}-" not in text and f"/articles/{hidden[1].id}-" not in text
    assert "Another password article" in texts[0] and f"/articles/{visible.id}-" in texts[3]


def test_a_renamed_article_s_old_url_redirects_permanently(client, center):
    workspace, _, _, article = center
    old = article_url(article)
    kb.save_article(workspace, owner_of(workspace), article, title="Change your password", summary="", body="x",
                    state=State.PUBLISHED, category_id=None, now=datetime(2026, 12, 2), base_version=1)
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/articles/{article.id}-change-your-password")
    assert client.get(f"/h/{workspace.slug}/articles/{article.id}").status_code == 301


def test_a_category_page_lists_sub_categories_and_articles(client, center):
    workspace, top, sub, article = center
    html = client.get(h(workspace, f"categories/{top.id}")).get_data(as_text=True)
    assert "Passwords" in html and "1 article" in html
    assert "Reset your password" in client.get(h(workspace, f"categories/{sub.id}")).get_data(as_text=True)
    assert client.get(h(workspace, f"categories/{make_category(make_workspace()).id}")).status_code == 404


def test_search_as_a_page_and_as_you_type_title_matches_first(client, center):
    workspace, _, _, article = center
    make_article(workspace, "Billing", body="Your password protects invoices.", summary="")
    page = client.get(h(workspace, "search?q=passw")).get_data(as_text=True)
    titles = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', page)
    assert titles == ["Reset your password", "Billing"] and "<mark>password</mark>" in page
    partial = client.get(h(workspace, "search?q=passw"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.startswith('<div id="search-results"') and "Reset your password" in partial


def test_searches_that_found_nothing_are_kept_but_not_keystrokes(client, center):
    workspace = center[0]
    client.get(h(workspace, "search?q=refund"), headers={"HX-Request": "true"})
    client.get(h(workspace, "search?q=refund+policy"))
    client.get(h(workspace, "search?q=password"))
    assert [(s.query, s.count) for s in FailedSearch.select()] == [("refund policy", 1)]


def test_sitemap_and_robots_per_help_center(client, center):
    workspace, top, sub, article = center
    sitemap = client.get(h(workspace, "sitemap.xml"))
    assert sitemap.mimetype == "application/xml"
    assert f"<loc>http://localhost{article_url(article)}</loc>" in sitemap.get_data(as_text=True)
    robots = client.get(h(workspace, "robots.txt")).get_data(as_text=True)
    assert f"Sitemap: http://localhost/h/{workspace.slug}/sitemap.xml" in robots


def test_an_internal_only_knowledge_base_answers_404(client, center):
    workspace, _, sub, article = center
    HelpCenter.create(workspace=workspace, knowledge_internal=True)
    for path in (article_url(article), h(workspace, f"categories/{sub.id}"), h(workspace, "search?q=x"),
                 h(workspace, "sitemap.xml")):
        assert client.get(path).status_code == 404, path


def test_one_vote_per_visitor_by_a_form_loaded_apart(client, center):
    workspace, _, _, article = center
    form = client.get(h(workspace, f"articles/{article.id}/vote"), headers={"HX-Request": "true"})
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    assert "no-store" in form.headers["Cache-Control"]
    for answer in ("yes", "yes", "no"):
        answered = client.post(h(workspace, f"articles/{article.id}/vote"), data={"csrf_token": token,
                               "helpful": answer}, headers={"HX-Request": "true"})
        assert answered.status_code == 200
    assert "Thank you" in answered.get_data(as_text=True)
    fresh = Article.get_by_id(article.id)
    assert (fresh.helpful_yes, fresh.helpful_no, ArticleVote.select().count()) == (0, 1, 1)
    assert client.post(h(workspace, f"articles/{article.id}/vote"), data={"helpful": "yes"}).status_code == 400


def test_r13_a_read_only_help_center_reads_but_takes_no_vote(client, center):
    workspace, _, _, article = center
    Workspace.update(status=Workspace.LAPSED).where(Workspace.id == workspace.id).execute()
    assert client.get(article_url(article)).status_code == 200
    form = client.get(h(workspace, f"articles/{article.id}/vote")).get_data(as_text=True)
    assert "read-only" in form and 'name="helpful"' not in form
    refused = client.post(h(workspace, f"articles/{article.id}/vote"),
                          data={"csrf_token": csrf_token(client), "helpful": "yes"})
    assert refused.status_code == 403
    assert ArticleVote.select().count() == 0


def test_r19_a_cancelled_help_center_shows_no_article(client, center):
    workspace, _, _, article = center
    Workspace.update(status=Workspace.CANCELLED).where(Workspace.id == workspace.id).execute()
    assert client.get(article_url(article)).status_code == 404


def test_public_pages_are_cacheable_and_a_revalidation_answers_304_without_rendering(client, app, center):
    workspace, _, _, article = center
    first = client.get(article_url(article))
    assert set(first.headers["Cache-Control"].split(", ")) == {"public", "max-age=60"}
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "X-CSRFToken" not in first.get_data(as_text=True) and "Set-Cookie" not in first.headers
    rendered = []
    template_rendered.connect(lambda sender, template, context, **extra: rendered.append(template.name), app)
    again = client.get(article_url(article), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and rendered == [] and again.data == b""
    since = client.get(article_url(article), headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    make_article(workspace, "Something new")  # any change of the knowledge base moves the validator
    changed = client.get(article_url(article), headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    partial = client.get(article_url(article), headers={"HX-Request": "true"})
    assert partial.headers["ETag"] != changed.headers["ETag"]


def test_a_category_lists_its_articles_a_page_at_a_time(client, center, monkeypatch):
    from helpdesk.knowledge import pages

    workspace, _, sub, _ = center
    monkeypatch.setattr(pages, "CATEGORY_PAGE", 2)
    for title in ("Alpha", "Beta", "Gamma"):
        make_article(workspace, title, category=sub)
    first = client.get(h(workspace, f"categories/{sub.id}")).get_data(as_text=True)
    assert "Alpha" in first and "Beta" in first and "Gamma" not in first
    next_url = re.search(r'href="([^"]+after_id=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert "Gamma" in second and "Reset your password" in second and "Alpha" not in second


def test_a_page_with_a_personal_message_waiting_is_private_and_keeps_its_token(client, center):
    article = center[3]
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Thanks for writing to us.")]
    page = client.get(article_url(article))
    assert "private" in page.headers["Cache-Control"] and "public" not in page.headers["Cache-Control"]
    assert "X-CSRFToken" in page.get_data(as_text=True)


def test_r6_another_workspace_s_articles_images_and_categories_answer_404_under_this_help_center(app, client, center):
    workspace = center[0]
    other = make_workspace(name="Other")
    article = make_article(other, "Their article", category=make_category(other, "Theirs"))
    with app.app_context():  # the storage backend belongs to the app
        image = make_image(other, now=datetime(2026, 12, 2))
    for path in (f"articles/{article.id}-{article.slug}", f"articles/{article.id}/vote",
                 f"categories/{article.category_id}", f"images/{image.token}"):
        assert client.get(h(workspace, path)).status_code == 404, path
    voted = client.post(h(workspace, f"articles/{article.id}/vote"),
                        data={"csrf_token": csrf_token(client), "helpful": "yes"})
    assert voted.status_code == 404 and ArticleVote.select().count() == 0
    assert client.get(h(other, f"images/{image.token}")).status_code == 200
