"""No N+1: each page runs the same number of SQL statements on 30 tickets as on 600 (DESIGN: "No N+1")."""
from collections import Counter
from datetime import timedelta

import pytest

from bench.querycount import count_queries
from bench.seed import seed_workspace
from helpdesk.accounts.sessions import open_session
from helpdesk.core.clock import utcnow
from helpdesk.tickets.inbox import encode_cursor
from helpdesk.tickets.models import Status, Tag, Ticket, TicketTag

INBOX_FIRST_PAGE_MAX_QUERIES = 10


def _desk(app, slug, tickets):
    """A seeded workspace, a client signed in as one of its agents, and the URLs of its pages."""
    seeded = seed_workspace(tickets, slug=slug)
    workspace = seeded.workspace
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = open_session(seeded.agents[1], method="password", now=utcnow(),
                                           lasts=timedelta(hours=1)).session_key
        session["_fresh"] = True
    tag_counts = Counter(tag_id for (tag_id,) in TicketTag.of(workspace, TicketTag.tag).tuples())
    tag = Tag.get_by_id(tag_counts.most_common(1)[0][0]).name
    ticket = Ticket.of(workspace).where(Ticket.message_count >= 3).order_by(Ticket.id.desc()).first()
    assert Ticket.of(workspace).where(Ticket.status == Status.PENDING).exists()
    base = f"/w/{slug}/tickets/"
    return client, {
        "inbox": base + "?view=open",
        "next page": base + f"?view=open&after={Ticket.of(workspace).order_by(Ticket.id.desc()).first().id}",
        "filtered view": base + "?view=pending&sort=activity",
        "closed view": base + "?view=closed",
        "all view": base + "?view=all",
        "all view by activity": base + f"?view=all&sort=activity&after={_cursor_in_the_middle(workspace)}",
        "tag": base + f"?tag={tag}",
        "search": base + "?q=regards",
        "ticket page": base + str(ticket.number),
    }


def _cursor_in_the_middle(workspace):
    """An activity-order cursor with tickets on both sides."""
    middle = Ticket.of(workspace).order_by(Ticket.last_customer_activity_at, Ticket.id).offset(
        Ticket.of(workspace).count() // 2).first()
    return encode_cursor(middle, "activity")


def _queries(client, url):
    client.get(url)  # once untimed: whatever is cached per process is cached
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    assert "No ticket" not in response.get_data(as_text=True), url  # an empty list would skip queries
    return counter.count


@pytest.fixture
def desks(app):
    return _desk(app, "small", 30), _desk(app, "large", 600)


@pytest.mark.parametrize("page", ["inbox", "next page", "filtered view", "closed view", "all view",
                                  "all view by activity", "tag", "search", "ticket page"])
def test_queries_do_not_grow_with_the_data(desks, page):
    (small_client, small), (large_client, large) = desks
    assert _queries(small_client, small[page]) == _queries(large_client, large[page])


@pytest.mark.parametrize("page", ["inbox", "closed view", "all view"])
def test_inbox_first_page_runs_at_most_10_queries(desks, page):
    (_, _), (client, urls) = desks
    assert _queries(client, urls[page]) <= INBOX_FIRST_PAGE_MAX_QUERIES


def test_the_ticket_page_runs_at_most_10_queries(desks):
    (_, _), (client, urls) = desks
    assert _queries(client, urls["ticket page"]) <= 10
