"""The agents' suggestion list: orders, filters (status, tag, linked to tickets, has reports), keyset pages, empty states."""
import re

import pytest

from bench.querycount import count_queries
from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions import pages, services
from helpdesk.suggestions.models import Suggestion, SuggestionReport, SuggestionTag, TicketSuggestion
from tests.conftest import sign_in
from tests.factories import make_ticket, make_workspace, owner_of


@pytest.fixture
def desk(app, client):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        sign_in(client, owner_of(workspace).user)
    return workspace


def titles(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.findall(r'class="suggestion-title"[^>]*><bdi>([^<]*)</bdi>', page), page


def test_the_list_orders_filters_and_marks_what_agents_need(client, desk):
    workspace = desk
    ann = EndUser.create(workspace=workspace, email="ann@client.example", name="Ann")
    tag = SuggestionTag.create(workspace=workspace, name="Reports")
    popular = Suggestion.create(workspace=workspace, title="Popular", vote_count=9, tag=tag)
    linked = Suggestion.create(workspace=workspace, title="Linked", vote_count=3, status="planned")
    reported = Suggestion.create(workspace=workspace, title="Reported", hidden=True)
    Suggestion.create(workspace=workspace, title="Merged away", merged_into=popular)
    Suggestion.create(workspace=make_workspace(name="Other"), title="Theirs")
    TicketSuggestion.create(workspace=workspace, ticket=make_ticket(workspace), suggestion=linked)
    services.report(workspace, ann, reported, comment_id=None, reason="spam", now=utcnow())
    SuggestionReport.create(workspace=workspace, suggestion=popular, reporter=None, resolved_at=utcnow())
    base = f"/w/{workspace.slug}/suggestions/"
    assert titles(client, base)[0] == ["Reported", "Linked", "Popular"]  # newest first
    assert titles(client, base + "?sort=top")[0] == ["Popular", "Linked", "Reported"]
    assert titles(client, base + "?status=planned")[0] == ["Linked"]
    assert titles(client, f"{base}?tag={tag.id}")[0] == ["Popular"]
    found, page = titles(client, base + "?linked=1")
    assert found == ["Linked"] and "asked for in 1 ticket" in page
    found, page = titles(client, base + "?reported=1")  # a resolved report does not count
    assert found == ["Reported"] and "1 report" in page and "Hidden" in page
    assert client.get(base + "?status=nonsense").status_code == 404


def test_keyset_pages_keep_the_filters_and_each_row_appears_once(client, desk):
    workspace = desk
    tag = SuggestionTag.create(workspace=workspace, name="Reports")
    for n in range(pages.AGENT_PAGE_SIZE * 2 + 5):
        Suggestion.create(workspace=workspace, title=f"Idea {n}", vote_count=n % 7, tag=tag if n % 2 else None)
    url, seen, page_count = f"/w/{workspace.slug}/suggestions/?sort=top&tag={tag.id}", [], 0
    while url:
        with count_queries() as counter:
            found, page = titles(client, url)
        assert counter.count <= 12, counter.statements
        seen += found
        page_count += 1
        more = re.search(r'href="([^"]+)">Next page', page)
        url = more.group(1).replace("&amp;", "&") if more else None
        if url:
            assert "sort=top" in url and f"tag={tag.id}" in url
    expected = list(Suggestion.select().where(Suggestion.tag == tag)
                    .order_by(Suggestion.vote_count.desc(), Suggestion.id.desc()))
    assert seen == [s.title for s in expected] and page_count == 2


def test_empty_states_say_what_to_do(client, desk):
    base = f"/w/{desk.slug}/suggestions/"
    assert "End users post them on the help center" in client.get(base).get_data(as_text=True)
    page = client.get(base + "?reported=1").get_data(as_text=True)
    assert "No suggestion matches these filters." in page and "Show all suggestions" in page
