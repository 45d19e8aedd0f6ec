"""Votes from many threads at once: the stored count equals the vote rows (run on PostgreSQL in CI)."""
import threading

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.extensions import db, is_postgres
from helpdesk.suggestions import services
from helpdesk.suggestions.models import Suggestion, SuggestionVote
from tests.factories import make_workspace
from tests.suggestions.test_board import idea, person


def test_parallel_votes_and_double_clicks_keep_the_count_exact(app):
    with app.app_context():
        if not is_postgres():
            pytest.skip("SQLite serialises every writer; the race is PostgreSQL's")
        acme = make_workspace(name="Acme")
        posted = idea(acme, person(acme, "author@client.example"))
        voters = [person(acme, f"voter{n}@client.example") for n in range(8)]
    barrier = threading.Barrier(len(voters) * 2)
    errors = []

    def click(voter):  # each voter clicks twice at once: one vote must stand, or none, never two
        try:
            barrier.wait()  # before taking a connection: the pool may hold fewer than there are threads
            with app.app_context(), db.database.connection_context():
                services.toggle_vote(acme, posted, voter, now=utcnow())
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=click, args=(voter,)) for voter in voters for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        rows = SuggestionVote.select().where(SuggestionVote.suggestion == posted.id).count()
        stored = Suggestion.get_by_id(posted.id)
    assert not errors
    assert stored.vote_count == rows and stored.trending_votes == rows
    assert 1 <= rows <= 1 + len(voters)
