"""The agents' article list: keyset pages by (updated_at, id), newest first; a search shows its best matches.

A page is read with "older than this row" or "newer than this row" (never OFFSET), one extra row telling
whether there is more; a cursor is "<updated_at ISO>|<id>" and a mangled one shows the first page.
"""
from dataclasses import dataclass
from datetime import datetime

from peewee import Tuple

from helpdesk.knowledge import search
from helpdesk.knowledge.models import Article, State

PAGE_SIZE = 50


@dataclass
class ArticlePage:
    articles: list
    older: str | None = None  # the cursor of the "Older" link, None on the last page
    newer: str | None = None  # the cursor of the "Newer" link, None on the first page
    searched: bool = False  # a search: its best PAGE_SIZE matches, ranked, no further pages


def cursor_of(article):
    return f"{article.updated_at.isoformat()}|{article.id}"


def _parse(cursor):
    stamp, _, article_id = (cursor or "").partition("|")
    try:
        return datetime.fromisoformat(stamp), int(article_id)
    except ValueError:
        return None


def agent_articles(workspace, *, query="", state=None, before=None, after=None, per_page=PAGE_SIZE):
    """A page of the workspace's articles in `state` (any when empty): older than `before` or newer than `after`."""
    states = [state] if state in State.ALL else list(State.ALL)
    if query.strip():
        hits = search.search_articles(workspace.id, query, states, limit=per_page)
        return ArticlePage([hit.article for hit in hits], searched=True)
    rows = Article.of(workspace).where(Article.state.in_(states))
    key = Tuple(Article.updated_at, Article.id)
    newer_than = _parse(after) if after else None
    if newer_than:
        found = list(rows.where(key > Tuple(*newer_than)).order_by(Article.updated_at, Article.id).limit(per_page + 1))
        page = list(reversed(found[:per_page]))
        if page:  # the page before the one the agent came from; the older one exists (that one)
            return ArticlePage(page, older=cursor_of(page[-1]), newer=cursor_of(page[0]) if len(found) > per_page else None)
    older_than = _parse(before) if before and not newer_than else None
    if older_than:
        rows = rows.where(key < Tuple(*older_than))
    found = list(rows.order_by(Article.updated_at.desc(), Article.id.desc()).limit(per_page + 1))
    page = found[:per_page]
    return ArticlePage(page, older=cursor_of(page[-1]) if len(found) > per_page else None,
                       newer=cursor_of(page[0]) if older_than and page else None)
