"""R21: deleting a workspace removes its knowledge base, search documents and images; no N+1 on public pages."""
from datetime import datetime

import pytest

from bench.querycount import count_queries
from helpdesk.billing.deletion import start_deletion
from helpdesk.core import storage
from helpdesk.extensions import db
from helpdesk.knowledge import services as kb
from helpdesk.knowledge.models import MODELS, Article, State
from tests.conftest import drain_jobs
from tests.factories import make_workspace
from tests.knowledge.helpers import make_article, make_category, make_image

PUBLIC_PAGE_MAX_QUERIES = 5


def test_r21_deleting_a_workspace_removes_its_knowledge_base(app_context):
    workspace, kept = make_workspace(), make_workspace()
    category = make_category(workspace, "Billing")
    article = make_article(workspace, "Refund rules", category=category)
    kb.record_vote(workspace, article, "v", True, now=datetime(2026, 12, 2))
    kb.record_failed_search(workspace, "zebra", now=datetime(2026, 12, 2))
    image = make_image(workspace, now=datetime(2026, 12, 2))
    make_article(kept, "Refund rules elsewhere")
    start_deletion(workspace, reason="test", now=datetime(2026, 12, 2))
    drain_jobs()  # on Redis the purge is a queued job
    for model in MODELS:
        assert not model.select().where(model.workspace == workspace.id).exists(), model.__name__
    with pytest.raises(FileNotFoundError):
        storage.read(image.storage_key)
    assert [h.article.title for h in kb.search.search_articles(workspace.id, "refund", State.ALL)] == []
    assert [a.title for a in kb.search_published(kept, "refund")] == ["Refund rules elsewhere"]
    search_rows = db.database.execute_sql("SELECT COUNT(*) FROM article_search").fetchone()[0]
    assert search_rows == Article.select().count() == 1


def _queries(client, url, **headers):
    with count_queries() as counter:
        response = client.get(url, headers=headers)
    assert response.status_code in (200, 304), url
    return counter.count


@pytest.mark.parametrize("articles", [3, 40])
def test_public_pages_run_a_fixed_number_of_queries(client, articles):
    workspace = make_workspace()
    category = make_category(workspace, "Billing")
    sub = make_category(workspace, "Invoices", parent=category)
    made = [make_article(workspace, f"Invoice question {n}", category=sub) for n in range(articles)]
    article_url = f"/h/{workspace.slug}/articles/{made[0].id}-{made[0].slug}"
    etag = client.get(article_url).headers["ETag"]
    counts = {"article": _queries(client, article_url),
              "category": _queries(client, f"/h/{workspace.slug}/categories/{category.id}"),
              "sub-category": _queries(client, f"/h/{workspace.slug}/categories/{sub.id}"),
              "304": _queries(client, article_url, **{"If-None-Match": etag})}
    assert all(count <= PUBLIC_PAGE_MAX_QUERIES for count in counts.values()), counts
    assert counts["304"] == 1, counts  # the help center with its knowledge stamp, nothing else
