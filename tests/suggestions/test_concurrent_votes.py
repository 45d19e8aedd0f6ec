"""Votes from many threads at once: the stored count equals the vote rows (run on PostgreSQL in CI)."""
import threading
import time

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.extensions import db, is_postgres
from helpdesk.suggestions import moderation, services
from helpdesk.suggestions.models import Suggestion, SuggestionVote
from tests.factories import make_workspace, owner_of
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


def test_a_merge_and_the_trending_recount_at_the_same_moment_both_finish(app):
    """The recount locks a batch's suggestions in id order; a merge of a newer duplicate into an older one
    locked the duplicate first, then waited for the target the recount held, which waited for the duplicate:
    PostgreSQL broke the deadlock by failing one of them."""
    with app.app_context():
        if not is_postgres():
            pytest.skip("SQLite serialises every writer; the lock order is PostgreSQL's")
        acme = make_workspace(name="Acme")
        author = person(acme, "author@client.example")
        target, duplicate = idea(acme, author), idea(acme, author)  # the target has the lower id
        agent = owner_of(acme).user
    assert target.id < duplicate.id
    recount_holds_target = threading.Event()
    errors = []

    def recount_like():  # what a recount batch does: lock in id order, holding the first while taking the next
        try:
            with app.app_context(), db.database.connection_context(), db.database.atomic():
                list(Suggestion.select(Suggestion.id).where(Suggestion.id == target.id).for_update())
                recount_holds_target.set()
                time.sleep(0.5)  # the merge starts meanwhile
                list(Suggestion.select(Suggestion.id).where(Suggestion.id == duplicate.id).for_update())
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    def merge():
        try:
            recount_holds_target.wait()
            with app.app_context(), db.database.connection_context():
                moderation.merge(acme, agent, duplicate, target, now=utcnow())
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=recount_like), threading.Thread(target=merge)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with app.app_context():
        assert Suggestion.get_by_id(duplicate.id).merged_into_id == target.id
