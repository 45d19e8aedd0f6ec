"""Trending: each suggestion's votes of the last 14 days, stored in `Suggestion.trending_votes`.

`recount_trending(now=)` (a daily periodic job) sets every suggestion's `trending_votes` to the number
of its votes created at or after `now - 14 days`, and `trending_since` to that cutoff, one batch of
suggestion ids per transaction (one UPDATE with a counting subquery: nothing is loaded into memory).
Each batch is absolute, so a run killed half-way leaves the batches it finished right and the others
as they were, and the next run sets them all.

Between two recounts the count means "votes since `trending_since`": a new vote adds 1, a vote taken
back takes 1 away only when it was counted (created at or after `trending_since`), and recounts after a
merge or a ticket's vote count the same way (`stored_count`), so the figure stays exact until the next
recount moves the cutoff. On PostgreSQL a batch first locks its suggestion rows, so a vote committing
meanwhile is either counted by the recount or added after it, never lost.
"""
from datetime import timedelta

from peewee import Case, fn

from helpdesk.core.clock import utcnow
from helpdesk.extensions import db, is_postgres
from helpdesk.jobs import job
from helpdesk.suggestions.models import Suggestion, SuggestionVote

TRENDING_WINDOW = timedelta(days=14)
BATCH = 2000  # suggestion ids per transaction


def _votes(condition):
    """A subquery counting the votes of the suggestion of the enclosing statement that meet `condition`."""
    return SuggestionVote.select(fn.COUNT(SuggestionVote.id)).where(SuggestionVote.suggestion == Suggestion.id,
                                                                    condition)


def stored_count():
    """The trending count a suggestion should store now (in an UPDATE of it): its votes since `trending_since`."""
    return _votes(Suggestion.trending_since.is_null() | (SuggestionVote.created_at >= Suggestion.trending_since))


def counted_when_taken_back(vote_created_at):
    """1 when a vote made at `vote_created_at` is in the stored trending count, else 0 (an SQL expression)."""
    return Case(None, [(Suggestion.trending_since.is_null() | (Suggestion.trending_since <= vote_created_at), 1)], 0)


@job
def recount_trending(now=None, batch=BATCH):
    """Set every suggestion's trending count to its votes of the 14 days before `now`. Returns the rows written."""
    now = now or utcnow()
    cutoff = now - TRENDING_WINDOW
    written, after = 0, 0
    while True:
        with db.database.atomic():
            ids = Suggestion.select(Suggestion.id).where(Suggestion.id > after).order_by(Suggestion.id).limit(batch)
            if is_postgres():
                ids = ids.for_update()
            ids = [i for (i,) in ids.tuples()]
            if not ids:
                return written
            written += _recount_batch(ids[0], ids[-1], cutoff)
        after = ids[-1]


def _recount_batch(low, high, cutoff):
    """Recount the suggestions with ids in [low, high] (one statement); returns the rows written."""
    return (Suggestion.update(trending_votes=_votes(SuggestionVote.created_at >= cutoff), trending_since=cutoff)
            .where(Suggestion.id.between(low, high)).execute())
