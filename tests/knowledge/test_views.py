"""The agents' knowledge-base pages: list, editor, conflicts, preview, history, images, link search."""
import io
import re

import pytest

from helpdesk.knowledge.models import Article, ArticleImage, Category, State
from tests.conftest import post, sign_in
from tests.factories import add_member, make_workspace
from tests.knowledge.helpers import PNG, make_article, make_category


@pytest.fixture
def desk(client):
    workspace = make_workspace(name="Acme")
    sign_in(client, workspace.membership_set.get().user)
    return workspace


def kb(workspace, path=""):
    return f"/w/{workspace.slug}/knowledge/{path}"


def article_data(**overrides):
    return {"title": "Reset your password", "summary": "Forgot it?", "body": "## Steps\nOpen **Account**.",
            "state": State.PUBLISHED, "category_id": "", **overrides}


def test_an_owner_writes_an_article_and_sees_it_listed(client, desk):
    category = make_category(desk, "Account")
    response = post(client, kb(desk, "articles/new"), article_data(category_id=str(category.id)))
    article = Article.get()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/articles/{article.id}/edit")
    assert (article.version, article.category_id, article.author.email) == (1, category.id, desk.membership_set.get().user.email)
    page = client.get(kb(desk)).get_data(as_text=True)
    assert "Reset your password" in page and "1 published" in page


def test_an_agent_without_the_grant_reads_but_cannot_write(client, app):
    workspace = make_workspace()
    agent = add_member(workspace)
    make_article(workspace, "Existing")
    sign_in(client, agent.user)
    assert "Existing" in client.get(kb(workspace)).get_data(as_text=True)
    assert client.get(kb(workspace, "articles/new")).status_code == 403
    assert post(client, kb(workspace, "articles/new"), article_data()).status_code == 403
    assert post(client, kb(workspace, "categories/new"), {"name": "X"}).status_code == 403
    assert Article.select().count() == 1


def test_the_members_page_grants_an_agent_the_knowledge_base(client, desk):
    agent = add_member(desk)
    page = client.get(f"/w/{desk.slug}/members").get_data(as_text=True)
    assert f"may-edit-{agent.id}" in page
    post(client, f"/w/{desk.slug}/members/{agent.id}/knowledge", {"may_edit_knowledge": "y"})
    agent = type(agent).get_by_id(agent.id)
    assert agent.may_edit_knowledge
    post(client, f"/w/{desk.slug}/members/{agent.id}/knowledge", {})
    assert not type(agent).get_by_id(agent.id).may_edit_knowledge


def test_a_stale_save_is_refused_with_the_others_changes_and_the_typed_text_kept(client, desk):
    article = make_article(desk, body="original text")
    post(client, kb(desk, f"articles/{article.id}/edit"), article_data(body="Ann's new line", base_version="1"))
    response = post(client, kb(desk, f"articles/{article.id}/edit"),
                    article_data(body="Bob typed this", base_version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "saved version 2" in page and "Bob typed this" in page
    assert "+Ann&#39;s new line" in page and "-original text" in page
    assert 'name="base_version" type="hidden" value="2"' in page
    assert Article.get_by_id(article.id).body == "Ann's new line"
    again = post(client, kb(desk, f"articles/{article.id}/edit"), article_data(body="Bob typed this", base_version="2"))
    assert again.status_code == 302 and Article.get_by_id(article.id).body == "Bob typed this"


def test_the_live_preview_renders_sanitized_markdown(client, desk):
    response = post(client, kb(desk, "preview"), {"body": "## Hi\n<script>alert(1)</script><img src=x onerror=y>"},
                    headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert '<h2 id="s-hi">' in html and "<script" not in html and "onerror" not in html
    assert html.startswith('<div id="article-preview"') and "hx-disable" in html


def test_history_shows_a_diff_and_restores_a_revision(client, desk):
    article = make_article(desk, title="Old title", body="first")
    post(client, kb(desk, f"articles/{article.id}/edit"), article_data(title="New title", body="second", base_version="1"))
    page = client.get(kb(desk, f"articles/{article.id}/history?version=2")).get_data(as_text=True)
    assert "-# Old title" in page and "+# New title" in page and "Restore version" not in page
    assert "Restore version 1" in client.get(kb(desk, f"articles/{article.id}/history?version=1")).get_data(as_text=True)
    post(client, kb(desk, f"articles/{article.id}/restore/1"))
    restored = Article.get_by_id(article.id)
    assert (restored.title, restored.body, restored.version) == ("Old title", "first", 3)


def test_images_are_checked_by_their_bytes_and_served_publicly(client, desk):
    response = post(client, kb(desk, "images"), {"image": (io.BytesIO(PNG), "shot.png")},
                    headers={"HX-Request": "true"}, content_type="multipart/form-data")
    image = ArticleImage.get()
    assert response.status_code == 200 and f"/h/{desk.slug}/images/{image.token}" in response.get_data(as_text=True)
    served = client.get(f"/h/{desk.slug}/images/{image.token}")
    assert served.data == PNG and served.mimetype == "image/png"
    svg = post(client, kb(desk, "images"), {"image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")},
               headers={"HX-Request": "true"}, content_type="multipart/form-data")
    assert svg.status_code == 422 and "Only PNG, JPEG, GIF or WebP" in svg.get_data(as_text=True)
    assert ArticleImage.select().count() == 1


def test_categories_are_created_edited_and_deleted_when_empty(client, desk):
    post(client, kb(desk, "categories/new"), {"name": "Billing", "description": "Money", "position": "2"})
    top = Category.get()
    post(client, kb(desk, "categories/new"), {"name": "Invoices", "parent_id": str(top.id)})
    sub = Category.get(Category.name == "Invoices")
    assert sub.parent_id == top.id
    refused = post(client, kb(desk, f"categories/{top.id}/delete"), follow_redirects=True).get_data(as_text=True)
    assert "sub-categories first" in refused
    post(client, kb(desk, f"categories/{sub.id}/delete"))
    assert Category.select().count() == 1


def test_insert_article_link_finds_published_articles_only(client, desk):
    published = make_article(desk, "Printer setup guide")
    make_article(desk, "Printer draft notes", state=State.DRAFT)
    html = client.get(kb(desk, "link-search?q=printer"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f"[Printer setup guide](http://localhost/h/{desk.slug}/articles/{published.id}-printer-setup-guide)" in html
    assert "draft notes" not in html
    ticket_page_links = re.findall(r'hx-get="([^"]+link-search)"', client.get(
        f"/w/{desk.slug}/tickets/{_ticket(desk).number}").get_data(as_text=True))
    assert ticket_page_links == [f"/w/{desk.slug}/knowledge/link-search"]


def _ticket(workspace):
    from tests.factories import make_ticket

    return make_ticket(workspace)


def test_agents_read_internal_articles_rendered(client, app):
    workspace = make_workspace()
    agent = add_member(workspace)
    article = make_article(workspace, "Refund runbook", body="## Step one\n<script>x</script>Call the bank.",
                           state=State.INTERNAL)
    sign_in(client, agent.user)
    page = client.get(kb(workspace, f"articles/{article.id}")).get_data(as_text=True)
    assert '<h2 id="s-step-one">' in page and "Call the bank." in page and "<script>x" not in page
    assert "Internal (agents only)" in page and "Edit the article" not in page


def listed_titles(html):
    return re.findall(r'/knowledge/articles/\d+">([^<]+)</a>', html)


def pager_link(html, label):
    found = re.search(r'<a href="([^"]+)">' + re.escape(label) + "</a>", html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_article_list_pages_by_last_update_with_older_and_newer_links_keeping_the_state_filter(client, desk):
    from datetime import datetime, timedelta

    start = datetime(2026, 11, 1, 9, 0)
    # 56 published a minute apart, except ties (5 and 6, 15 and 16...: the id breaks them, also across the
    # first page's end), and drafts in between.
    for n in range(56):
        make_article(desk, f"Published {n:02d}", now=start + timedelta(minutes=n - (n % 10 == 6)))
        if n % 7 == 0:
            make_article(desk, f"Draft {n:02d}", state=State.DRAFT, now=start + timedelta(minutes=n, seconds=30))
    newest_first = [a.title for a in Article.select().where(Article.state == State.PUBLISHED)
                    .order_by(Article.updated_at.desc(), Article.id.desc())]

    first = client.get(kb(desk, "?state=published")).get_data(as_text=True)
    assert listed_titles(first) == newest_first[:50] and pager_link(first, "← Newer") is None
    older = pager_link(first, "Older →")
    assert "state=published" in older
    second = client.get(older).get_data(as_text=True)
    assert listed_titles(second) == newest_first[50:] and pager_link(second, "Older →") is None
    back = client.get(pager_link(second, "← Newer")).get_data(as_text=True)
    assert listed_titles(back) == newest_first[:50] and pager_link(back, "← Newer") is None

    every_state = client.get(kb(desk)).get_data(as_text=True)
    assert "Draft 49" in every_state and len(listed_titles(every_state)) == 50
    assert "state=" not in pager_link(every_state, "Older →")
    assert listed_titles(client.get(kb(desk, "?before=nonsense|x")).get_data(as_text=True)) == listed_titles(every_state)


def test_a_search_of_the_article_list_shows_its_best_matches_without_pages(client, desk):
    make_article(desk, "Printer jams")
    make_article(desk, "Password reset")
    page = client.get(kb(desk, "?q=printer")).get_data(as_text=True)
    assert listed_titles(page) == ["Printer jams"] and 'class="pager"' not in page
