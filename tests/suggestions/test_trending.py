"""Trending counts the votes of the last 14 days: the daily recount, and votes kept right in between."""
import json
import signal
import subprocess
import sys
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.jobs import PERIODIC_JOBS
from helpdesk.suggestions import moderation, pages, services, trending
from helpdesk.suggestions.models import Suggestion, SuggestionVote
from helpdesk.suggestions.tickets_link import add_voter
from tests.factories import make_workspace
from tests.suggestions.test_board import idea, person


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


def votes_at(workspace, suggestion, moments):
    """One vote per moment, by a new person each time."""
    for n, moment in enumerate(moments):
        voter = person(workspace, f"voter{suggestion.id}-{n}@client.example", f"Voter {n}")
        services.toggle_vote(workspace, suggestion, voter, now=moment)


def trending_of(suggestion):
    return Suggestion.get_by_id(suggestion.id).trending_votes


def test_the_daily_recount_counts_only_votes_of_the_last_14_days_and_is_idempotent(app_context, acme):
    now = utcnow()
    ann = person(acme)
    old = idea(acme, ann, "Export to CSV", now=now - timedelta(days=60))  # the author's vote is 60 days old
    votes_at(acme, old, [now - timedelta(days=d) for d in (40, 30, 20, 15)])
    fresh = idea(acme, ann, "Dark mode", now=now - timedelta(days=3))
    votes_at(acme, fresh, [now - timedelta(days=13, hours=23), now - timedelta(hours=1)])
    edge = idea(acme, ann, "Calendar sync", now=now - timedelta(days=14))  # exactly 14 days: still counted
    assert (trending_of(old), trending_of(fresh), trending_of(edge)) == (5, 3, 1)  # as votes came

    assert trending.recount_trending(now=now) == 3
    counts = (trending_of(old), trending_of(fresh), trending_of(edge))
    assert counts == (0, 3, 1)
    assert Suggestion.get_by_id(old.id).vote_count == 5  # top keeps every vote
    assert [s.id for s in pages.board_page(acme, None, order="trending")[0]] == [fresh.id, edge.id, old.id]
    assert [s.id for s in pages.board_page(acme, None, order="top")[0]] == [old.id, fresh.id, edge.id]

    trending.recount_trending(now=now)  # a second run, or a retry, changes nothing
    assert (trending_of(old), trending_of(fresh), trending_of(edge)) == counts
    trending.recount_trending(now=now + timedelta(days=1))  # a day on, the two votes of 13-14 days ago are out
    assert (trending_of(old), trending_of(fresh), trending_of(edge)) == (0, 2, 0)
    assert ("helpdesk.suggestions.trending.recount_trending", 24 * 3600) in PERIODIC_JOBS


def test_votes_between_two_recounts_keep_the_count_right(app_context, acme):
    now = utcnow()
    ann, bob, cy = person(acme), person(acme, "bob@client.example", "Bob"), person(acme, "cy@client.example", "Cy")
    posted = idea(acme, ann, now=now - timedelta(days=20))
    services.toggle_vote(acme, posted, bob, now=now - timedelta(days=2))
    trending.recount_trending(now=now)
    assert trending_of(posted) == 1  # Bob's; Ann's is 20 days old

    services.toggle_vote(acme, posted, cy, now=now + timedelta(hours=1))  # a new vote: +1
    assert trending_of(posted) == 2
    services.toggle_vote(acme, posted, ann, now=now + timedelta(hours=2))  # an old vote taken back: not counted
    assert trending_of(posted) == 2
    services.toggle_vote(acme, posted, bob, now=now + timedelta(hours=3))  # a recent one taken back: -1
    assert trending_of(posted) == 1
    # A vote counted by the last recount stays counted until the next one, even once 14 days old.
    services.toggle_vote(acme, posted, bob, now=now + timedelta(hours=4))
    trending.recount_trending(now=now + timedelta(hours=5))
    assert trending_of(posted) == 2
    services.toggle_vote(acme, posted, cy, now=now + timedelta(days=15))
    assert trending_of(posted) == 1
    trending.recount_trending(now=now + timedelta(days=15))
    assert trending_of(posted) == 0  # Bob's vote has now left the window too


def test_merging_and_ticket_voters_keep_trending_in_step_with_the_votes(app_context, acme):
    from tests.factories import make_user

    now = utcnow()
    ann, bob = person(acme), person(acme, "bob@client.example", "Bob")
    target = idea(acme, ann, "Dark mode", now=now - timedelta(days=30))
    duplicate = idea(acme, bob, "Night theme", now=now - timedelta(days=1))
    trending.recount_trending(now=now)
    assert (trending_of(target), trending_of(duplicate)) == (0, 1)
    add_voter(target, "customer@client.example", now=now)
    assert trending_of(target) == 1
    owner = make_user()
    moderation.merge(acme, owner, Suggestion.get_by_id(duplicate.id), Suggestion.get_by_id(target.id), now=now)
    assert trending_of(target) == 2 and Suggestion.get_by_id(target.id).vote_count == 3
    assert trending.recount_trending(now=now) and trending_of(target) == 2


KILLED_AFTER_ONE_BATCH = """
import json, os, signal, sys
from helpdesk import create_app
from helpdesk.suggestions import trending
from helpdesk.core.clock import utcnow

batch = trending._recount_batch
def killed_after_the_first_commit(low, high, cutoff):
    if trending.killed_once:
        os.kill(os.getpid(), signal.SIGKILL)  # the first batch's transaction has committed
    trending.killed_once = True
    return batch(low, high, cutoff)
trending.killed_once = False
trending._recount_batch = killed_after_the_first_commit
with create_app(json.loads(sys.argv[1])).app_context():
    trending.recount_trending(now=utcnow(), batch=int(sys.argv[2]))
"""


def test_a_recount_killed_half_way_is_right_once_run_again(app, app_context, acme):
    now = utcnow()
    ann = person(acme)
    rows = [idea(acme, ann, f"Suggestion {n}", now=now - timedelta(days=30)) for n in range(6)]
    for n, row in enumerate(rows):
        votes_at(acme, row, [now - timedelta(days=20)] * 2 + [now - timedelta(days=1)] * n)
    assert [trending_of(r) for r in rows] == [3 + n for n in range(6)]  # every vote, none recounted yet

    config = {key: str(app.config[key]) for key in ("DATABASE_URL", "STORAGE_DIR", "MAIL_URL", "ENCRYPTION_KEYS",
                                                    "SECRET_KEY", "QUEUE_NAME", "BASE_URL")}
    child = subprocess.run([sys.executable, "-c", KILLED_AFTER_ONE_BATCH, json.dumps({"TESTING": True, **config}),
                            "3"], capture_output=True, timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    # The first batch of three is recounted, the rest is as it was.
    assert [trending_of(r) for r in rows] == [0, 1, 2, 6, 7, 8]

    trending.recount_trending(now=now, batch=3)
    assert [trending_of(r) for r in rows] == list(range(6))
    recent = SuggestionVote.select().where(SuggestionVote.created_at >= now - timedelta(days=14)).count()
    assert sum(trending_of(r) for r in rows) == recent == 15
