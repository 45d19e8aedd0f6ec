"""Search results are every match, newest first, page after page: common and rare words alike."""
import pytest

from helpdesk.tickets import search
from tests.factories import make_customer, make_ticket, make_workspace


@pytest.fixture
def desk(app_context, monkeypatch):
    # A small window, so that 30 tickets exercise both ways PostgreSQL answers (recent documents, then GIN).
    monkeypatch.setattr(search, "RECENT_WINDOW", 5)
    workspace = make_workspace(name="Acme")
    customer = make_customer(workspace, email="zoe@client.example", name="Zoe Quinn")
    tickets = []
    for n in range(1, 31):
        words = ["common"] + (["half"] if n % 2 else []) + (["rare"] if n in (2, 3) else [])
        tickets.append(make_ticket(workspace, customer, subject=f"Ticket {n}", body=" ".join(words)))
    return workspace, [t.id for t in tickets]


def all_pages(workspace, query, page_size):
    found, before = [], None
    while True:
        page = search.search_ticket_ids(workspace.id, query, before_id=before, limit=page_size)
        found += page
        if len(page) < page_size:
            return found
        before = page[-1]


@pytest.mark.parametrize("query, expected", [
    ("common", lambda n: True), ("half", lambda n: n % 2 == 1), ("rare", lambda n: n in (2, 3)),
    ("comm", lambda n: True), ("half common", lambda n: n % 2 == 1), ("absent", lambda n: False),
])
def test_every_match_newest_first_on_every_page(desk, query, expected):
    workspace, ids = desk
    matching = [ticket_id for n, ticket_id in enumerate(ids, start=1) if expected(n)][::-1]
    assert search.search_ticket_ids(workspace.id, query, limit=4) == matching[:4]
    assert all_pages(workspace, query, page_size=4) == matching


def test_search_stays_in_its_workspace(desk):
    workspace, _ = desk
    other = make_workspace(name="Other")
    make_ticket(other, subject="common rare")
    assert len(search.search_ticket_ids(other.id, "common")) == 1
    assert len(all_pages(workspace, "rare", page_size=1)) == 2
