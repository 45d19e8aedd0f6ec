"""What the board's pages read (the public ones and the agents' list), each in a fixed number of queries
whatever the board's size.

Lists are keyset pages read in index order: top by (vote_count, id), trending by (trending_votes, id),
new by id, each after the last row of the page before (never OFFSET).
"""
import operator
from datetime import timedelta
from functools import reduce

from peewee import JOIN, SQL, Tuple, fn

from helpdesk.extensions import is_postgres
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions.models import (Suggestion, SuggestionComment, SuggestionReport, SuggestionStatus,
                                         SuggestionTag, SuggestionVote, TicketSuggestion)
from helpdesk.suggestions.services import comment_visible, visible

PAGE_SIZE = 20
AGENT_PAGE_SIZE = 50
PAGE_SIZE_MAX = max(PAGE_SIZE, AGENT_PAGE_SIZE)  # what a keyset subquery reads at most
ROADMAP_SIZE = 30
DONE_RECENTLY = timedelta(days=30)
ORDERS = {"top": Suggestion.vote_count, "trending": Suggestion.trending_votes, "new": None}
MAX_COMMENTS = 500


def _ordered(query, order, after):
    """`query` in the list's order, after the cursor `after` ("count.id" or "id"), one page (+1 to know of more)."""
    column = ORDERS[order]
    if column is None:
        if after:
            query = query.where(Suggestion.id < after[-1])
        return query.order_by(Suggestion.id.desc())
    if after and len(after) == 2:
        # PostgreSQL reads a row-value comparison as one index range; SQLite does not (`_after_count`).
        query = (query.where(Tuple(column, Suggestion.id) < Tuple(*after)) if is_postgres()
                 else _after_count(query, column, *after))
    return query.order_by(column.desc(), Suggestion.id.desc())


def _after_count(query, column, count, last_id):
    """`query` limited to the rows after (count, last_id) in (column, id) order, read by SQLite as two exact
    index ranges: the rest of the run of equal counts, then the lower counts (UNION ALL of two LIMIT subqueries).
    A row-value comparison `(column, id) < (count, last_id)` makes SQLite walk the whole run of equal counts
    (40,000 suggestions share 2 votes in `make bench`)."""
    same = query.select(Suggestion.id).where(column == count, Suggestion.id < last_id).order_by(
        Suggestion.id.desc()).limit(PAGE_SIZE_MAX + 1)
    lower = query.select(Suggestion.id).where(column < count).order_by(column.desc(), Suggestion.id.desc()).limit(
        PAGE_SIZE_MAX + 1)
    merged = (Suggestion.select(SQL("*")).from_(same.alias("same_count"))
              + Suggestion.select(SQL("*")).from_(lower.alias("lower_count"))).alias("after_cursor")
    return query.join_from(Suggestion, merged, on=(merged.c.id == Suggestion.id))


def parse_cursor(value):
    try:
        return tuple(int(part) for part in (value or "").split(".") if part)[:2]
    except ValueError:
        return ()


def cursor_of(suggestion, order):
    column = ORDERS[order]
    return str(suggestion.id) if column is None else f"{getattr(suggestion, column.name)}.{suggestion.id}"


def _with_tags(workspace):
    return (Suggestion.of(workspace, Suggestion, SuggestionTag)
            .join(SuggestionTag, JOIN.LEFT_OUTER, on=(Suggestion.tag == SuggestionTag.id), attr="tag"))


def _filtered(query, status, tag_id):
    if status in SuggestionStatus.ALL:
        query = query.where(Suggestion.status == status)
    if tag_id:
        query = query.where(Suggestion.tag == tag_id)
    return query


def _one_page(query, order, after, size):
    """(rows, cursor of the next page or None)."""
    rows = list(_ordered(query, order, after).limit(size + 1))
    return rows[:size], cursor_of(rows[size - 1], order) if len(rows) > size else None


def board_page(workspace, viewer, *, order="top", status=None, tag_id=None, mine=False, voted=False, after=()):
    """(suggestions with `.tag`, the viewer's voted ids among them, cursor of the next page or None)."""
    order = order if order in ORDERS else "top"
    query = _filtered(visible(_with_tags(workspace), viewer), status, tag_id)
    if viewer is not None and mine:
        query = query.where(Suggestion.author == viewer.id)
    if viewer is not None and voted:
        query = query.where(Suggestion.id.in_(SuggestionVote.select(SuggestionVote.suggestion).where(
            SuggestionVote.workspace == workspace, SuggestionVote.email == viewer.email)))
    rows, more = _one_page(query, order, after, PAGE_SIZE)
    return rows, voted_ids(viewer, rows), more


def agent_page(workspace, *, order="new", status=None, tag_id=None, linked=False, reported=False, after=()):
    """The agents' list: every suggestion not merged away (hidden and held ones too), with `.tag`, `.ticket_count`
    and `.report_count` (open reports); only those linked to a ticket, or with an open report, when asked.
    (rows, cursor of the next page or None), in three queries."""
    order = order if order in ORDERS else "new"
    query = _filtered(_with_tags(workspace).where(Suggestion.merged_into.is_null()), status, tag_id)
    links = TicketSuggestion.select(TicketSuggestion.suggestion)
    reports = SuggestionReport.select(SuggestionReport.suggestion).where(SuggestionReport.resolved_at.is_null())
    if linked:
        query = query.where(fn.EXISTS(links.where(TicketSuggestion.suggestion == Suggestion.id)))
    if reported:
        query = query.where(fn.EXISTS(reports.where(SuggestionReport.suggestion == Suggestion.id)))
    rows, more = _one_page(query, order, after, AGENT_PAGE_SIZE)
    ids = [row.id for row in rows]
    tickets = dict(TicketSuggestion.select(TicketSuggestion.suggestion, fn.COUNT(TicketSuggestion.id))
                   .where(TicketSuggestion.suggestion.in_(ids)).group_by(TicketSuggestion.suggestion).tuples()) if ids else {}
    open_reports = dict(reports.select_extend(fn.COUNT(SuggestionReport.id)).where(SuggestionReport.suggestion.in_(ids))
                        .group_by(SuggestionReport.suggestion).tuples()) if ids else {}
    for row in rows:
        row.ticket_count, row.report_count = tickets.get(row.id, 0), open_reports.get(row.id, 0)
    return rows, more


def voted_ids(viewer, suggestions):
    """Which of `suggestions` the viewer voted for (one query, none for a visitor)."""
    if viewer is None or not suggestions:
        return set()
    return {vote.suggestion_id for vote in SuggestionVote.select(SuggestionVote.suggestion).where(
        SuggestionVote.email == viewer.email, SuggestionVote.suggestion.in_([s.id for s in suggestions]))}


def roadmap(workspace, *, now):
    """{status: suggestions} for planned and in progress (most voted first) and done in the last 30 days
    (newest first): one query per column."""
    columns = {}
    for status in SuggestionStatus.ROADMAP:
        column = visible(Suggestion.of(workspace).where(Suggestion.status == status), None)
        if status == SuggestionStatus.DONE:
            column = column.where(Suggestion.status_changed_at >= now - DONE_RECENTLY).order_by(
                Suggestion.status_changed_at.desc(), Suggestion.id.desc())
        else:
            column = column.order_by(Suggestion.vote_count.desc(), Suggestion.id.desc())
        columns[status] = list(column.limit(ROADMAP_SIZE))
    return columns


def suggestion_of(workspace, suggestion_id, viewer):
    """The suggestion with `.tag` and `.author` as `viewer` may see it, a merged one too (its page redirects); or None."""
    found = (Suggestion.of(workspace, Suggestion, SuggestionTag, EndUser)
             .join(SuggestionTag, JOIN.LEFT_OUTER, on=(Suggestion.tag == SuggestionTag.id), attr="tag")
             .switch(Suggestion).join(EndUser, JOIN.LEFT_OUTER, on=(Suggestion.author == EndUser.id), attr="author")
             .where(Suggestion.id == suggestion_id).first())
    if found is None or found.merged_into_id:
        return found
    if (found.hidden or found.held_for_review) and (viewer is None or found.author_id != viewer.id):
        return None
    return found


class PublicComment:
    """What the public page shows of a comment, made from one row's tuple: peewee's two model objects per row
    (comment and author) cost more than the query on PostgreSQL at 200 comments."""
    __slots__ = ("id", "parent_id", "author_id", "created_at", "edited_at", "hidden", "held_for_review",
                 "deleted_at", "body_html", "author")
    COLUMNS = (SuggestionComment.id, SuggestionComment.parent, SuggestionComment.author, SuggestionComment.created_at,
               SuggestionComment.edited_at, SuggestionComment.hidden, SuggestionComment.held_for_review,
               SuggestionComment.deleted_at, SuggestionComment.body_html, EndUser.name)

    def __init__(self, row):
        (self.id, self.parent_id, self.author_id, self.created_at, self.edited_at, self.hidden,
         self.held_for_review, self.deleted_at, self.body_html, name) = row
        self.author = CommentAuthor(self.author_id, name) if self.author_id else None


class CommentAuthor:
    __slots__ = ("id", "name")

    def __init__(self, author_id, name):
        self.id, self.name = author_id, name


def comment_threads(suggestion, viewer, *, everything=False):
    """[(comment, [replies])] oldest first, authors joined (one query); what the viewer may not see is left out
    (`everything`: the agents' view, hidden and held ones too, as models)."""
    rows = (SuggestionComment.select(*((SuggestionComment, EndUser) if everything else PublicComment.COLUMNS))
            .join(EndUser, JOIN.LEFT_OUTER, on=(SuggestionComment.author == EndUser.id), attr="author")
            .where(SuggestionComment.suggestion == suggestion).order_by(SuggestionComment.id).limit(MAX_COMMENTS))
    if not everything:
        rows = map(PublicComment, rows.tuples())
    threads, replies = [], {}
    for comment in rows:
        if not everything and not comment_visible(comment, viewer):
            continue
        if comment.parent_id is None:
            replies[comment.id] = []
            threads.append((comment, replies[comment.id]))
        elif comment.parent_id in replies:
            replies[comment.parent_id].append(comment)
    return threads


def similar(workspace, title, limit=5):
    """Up to `limit` visible, not declined suggestions whose title holds one of the typed words, most voted first."""
    words = sorted({word.strip("%_") for word in (title or "").lower().split() if len(word.strip("%_")) >= 4},
                   key=len, reverse=True)[:3]
    if not words:
        return []
    matches = reduce(operator.or_, [Suggestion.title ** f"%{word}%" for word in words])
    query = visible(Suggestion.of(workspace), None).where(Suggestion.status != SuggestionStatus.DECLINED, matches)
    return list(query.order_by(Suggestion.vote_count.desc(), Suggestion.id.desc()).limit(limit))
