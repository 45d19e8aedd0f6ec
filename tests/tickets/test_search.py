"""Search results are every match, newest first, page after page: common and rare words alike."""
import importlib.util
from pathlib import Path

import pytest

from helpdesk.extensions import db, is_postgres
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


ROOT = Path(__file__).resolve().parents[2]


def sqlite_prefix_query(workspace, term):
    """What FTS5 alone finds for `term`* (the newest first), to compare the listed terms' expansion with."""
    sql = "SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? ORDER BY rowid DESC"
    return [row[0] for row in db.database.execute_sql(sql, [f'scope:"w{workspace.id}" AND body:"{term}"*'])]


def test_a_prefix_finds_every_word_it_starts_accents_and_all(app_context, monkeypatch):
    workspace = make_workspace(name="Acme")
    bodies = {"cafe": "the cafe", "café": "Café crème", "cafeteria": "cafeteria menu", "caffè": "un caffè",
              "snake": "snake_case names", "zürich": "office in Zürich", "none": "nothing here"}
    ids = {key: make_ticket(workspace, subject="Question", body=body).id for key, body in bodies.items()}
    other = make_workspace(name="Other")
    make_ticket(other, subject="cafe cafeteria")
    expected = {"caf": ["cafe", "café", "cafeteria", "caffè"], "cafeteria": ["cafeteria"], "cafez": [], "xyz": []}
    if not is_postgres():  # FTS5 folds accents (remove_diacritics 2) and splits at "_"; PostgreSQL's 'simple' neither
        expected.update({"cafe": ["cafe", "café", "cafeteria"], "café": ["cafe", "café", "cafeteria"],
                         "caffe": ["caffè"], "snake": ["snake"], "case": ["snake"], "zur": ["zürich"],
                         "zür": ["zürich"]})
    for query, keys in expected.items():
        found = search.search_ticket_ids(workspace.id, query, limit=50)
        assert found == sorted((ids[key] for key in keys), reverse=True), query
        if not is_postgres():
            assert found == sqlite_prefix_query(workspace, query)  # the same as FTS5's own prefix query
    monkeypatch.setattr(search, "MAX_EXPANSION", 2)  # "caf" starts more words than that: a prefix query
    assert search.search_ticket_ids(workspace.id, "caf", limit=50) == sorted(
        (ids[key] for key in ("cafe", "café", "cafeteria", "caffè")), reverse=True)


def test_words_added_to_a_ticket_later_are_found_by_their_prefix(app_context):
    from helpdesk.core.clock import utcnow
    from helpdesk.tickets import services as tickets

    workspace = make_workspace(name="Acme")
    stored = make_ticket(workspace, subject="Question", body="Which warehouse?")
    ticket = make_ticket(workspace, subject="Question", body="hello")
    assert search.search_ticket_ids(workspace.id, "war") == [stored.id]
    tickets.add_note(ticket, workspace.membership_set.get(), "Warranty expired", now=utcnow())
    assert search.search_ticket_ids(workspace.id, "war") == [ticket.id, stored.id]  # "warranty" listed too


def test_the_migration_lists_the_words_of_the_documents_already_there(app_context):
    if is_postgres():
        pytest.skip("the list of terms is SQLite's (PostgreSQL's prefix search reads its GIN index)")
    workspace, other = make_workspace(name="Acme"), make_workspace(name="Other")
    first = make_ticket(workspace, subject="Printer jammed", body="Übergröße paper")
    second = make_ticket(other, subject="Invoice", body="billing")
    db.database.execute_sql("DELETE FROM search_term")  # as a database migrated before 0070 holds them
    assert search.search_ticket_ids(workspace.id, "print") == [first.id]  # FTS5's prefix query, unlisted
    migration = importlib.util.spec_from_file_location("terms", ROOT / "migrations" / "0070_search_terms.py")
    module = importlib.util.module_from_spec(migration)
    migration.loader.exec_module(module)
    db.database.execute_sql("DROP TABLE search_term")
    module.BATCH = 1  # a batch per document: the rowid loop goes on past each
    module.up(None, db.database)
    listed = db.database.execute_sql("SELECT workspace_id, term FROM search_term ORDER BY 1, 2").fetchall()
    assert listed == [(workspace.id, term) for term in sorted(search.document_terms(
        "printer jammed übergröße paper " + " ".join(first.customer.name.split()) + " " + first.customer.email))] + [
        (other.id, term) for term in sorted(search.document_terms(
            "invoice billing " + second.customer.name + " " + second.customer.email))]
    assert search.search_ticket_ids(workspace.id, "uberg") == [first.id]
    assert search.search_ticket_ids(other.id, "bill") == [second.id]


def test_the_words_of_every_query_word_come_in_one_statement(app_context):
    from bench.querycount import count_queries

    workspace = make_workspace(name="Acme")
    both = make_ticket(workspace, subject="Printer jammed", body="warranty claim")
    make_ticket(workspace, subject="Printer fine", body="nothing")
    with count_queries() as counter:
        found = search.search_ticket_ids(workspace.id, "print warr jam", limit=10)
    assert found == [both.id]
    assert is_postgres() or counter.count == 2  # SQLite: the listed words of the three, then the match
