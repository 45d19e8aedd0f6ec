"""The public board's filters as a visitor and an end user use them by URL: status, tag, mine, I voted, pages."""
import html
import re

from helpdesk.core.clock import utcnow
from helpdesk.suggestions import pages, services
from helpdesk.suggestions.models import Suggestion, SuggestionTag
from tests.factories import make_workspace
from tests.helpcenter.test_end_users import signed_in
from tests.suggestions.test_board import idea, person


def titles(client, url):
    page = client.get(url).get_data(as_text=True)
    return [html.unescape(t) for t in re.findall(r'class="suggestion-title"[^>]*><bdi>([^<]*)</bdi>', page)], page


def test_status_tag_mine_and_i_voted_filter_the_board(app, client):
    acme = make_workspace(name="Acme")
    bob = person(acme, email="bob@client.example", name="Bob")
    tag = SuggestionTag.create(workspace=acme, name="Exports")
    theirs = idea(acme, bob, title="Bob's idea", tag_id=tag.id)
    idea(acme, bob, title="Bob's planned idea")
    Suggestion.update(status="planned").where(Suggestion.title == "Bob's planned idea").execute()
    base = f"/h/{acme.slug}/suggestions/"
    found, page = titles(client, base)
    assert sorted(found) == ["Bob's idea", "Bob's planned idea"]
    assert 'id="board-mine"' not in page  # "mine" and "I voted" mean nothing to a visitor
    assert titles(client, base + "?status=planned")[0] == ["Bob's planned idea"]
    assert titles(client, f"{base}?tag={tag.id}")[0] == ["Bob's idea"]
    ann = signed_in(app, client, acme)
    mine = idea(acme, ann, title="Ann's idea")
    services.toggle_vote(acme, theirs, ann, now=utcnow())
    found, page = titles(client, base + "?mine=1")
    assert found == ["Ann's idea"] and 'id="board-mine" name="mine" value="1" checked' in page
    assert sorted(titles(client, base + "?voted=1")[0]) == ["Ann's idea", "Bob's idea"]  # her post has her vote
    services.toggle_vote(acme, mine, ann, now=utcnow())
    assert titles(client, base + "?voted=1&sort=new")[0] == ["Bob's idea"]


def test_next_pages_keep_order_and_filters_until_the_last(app, client):
    acme = make_workspace(name="Acme")
    ann = person(acme)
    for n in range(pages.PAGE_SIZE * 2 + 3):
        idea(acme, ann, title=f"Idea {n}")
    url, seen = f"/h/{acme.slug}/suggestions/?sort=new&status=open", []
    while url:
        found, page = titles(client, url)
        seen += found
        more = re.search(r'href="([^"]+)">Next page', page)
        url = more.group(1).replace("&amp;", "&") if more else None
        assert url is None or ("sort=new" in url and "status=open" in url)
    assert seen == [f"Idea {n}" for n in reversed(range(pages.PAGE_SIZE * 2 + 3))]


def test_the_roadmap_has_a_column_per_status(client):
    acme = make_workspace(name="Acme")
    ann = person(acme)
    for status in ("planned", "in_progress", "done", "declined"):
        posted = idea(acme, ann, title=f"Idea {status}")
        Suggestion.update(status=status, status_changed_at=utcnow()).where(Suggestion.id == posted.id).execute()
    page = client.get(f"/h/{acme.slug}/suggestions/roadmap").get_data(as_text=True)
    headings = re.findall(r'<h2 id="roadmap-(\w+)">', page)
    assert headings == ["planned", "in_progress", "done"]
    for status in headings:
        column = page.split(f'id="roadmap-{status}"')[1].split("</section>")[0]
        assert f"Idea {status}" in column
    assert "Idea declined" not in page


def test_a_suggestion_page_names_its_author_as_the_post_form_says_it_will(client):
    acme = make_workspace(name="Acme")
    posted = idea(acme, person(acme, name="Ann مرحبا"))
    page = client.get(f"/h/{acme.slug}/suggestions/{posted.id}-{posted.slug}").get_data(as_text=True)
    assert "by <bdi>Ann مرحبا</bdi>" in page and "ann@client.example" not in page
    nameless = idea(acme, person(acme, email="bo@client.example", name=""), title="Exports")
    page = client.get(f"/h/{acme.slug}/suggestions/{nameless.id}-{nameless.slug}").get_data(as_text=True)
    assert "by <bdi>" not in page and "bo@client.example" not in page
