"""Full-text search over articles: title, summary and body; title matches first, then relevance.

The index is kept by database triggers on `article` (migration 0012), so saving an article needs no
code here:
- SQLite: an FTS5 table `article_search(scope, title, summary, body)`, rowid = article id; `scope` holds
  "w<workspace id> <state>" so the workspace and state filters are part of the MATCH. Ranked by bm25.
- PostgreSQL: `article_search(article_id, workspace_id, state, title_doc, document)`, the document
  weighted title A, summary B, body C, with a GIN index; ranked by ts_rank.
Both tokenize without stemming, as the ticket search does, and every word of the query matches as a
prefix, so results come as the visitor types. Snippets come from the database with \\x02/\\x03 around
the matched words; `highlight()` escapes the text and turns those into <mark>.
"""
from dataclasses import dataclass

from markupsafe import Markup, escape

from helpdesk.extensions import db, is_postgres
from helpdesk.knowledge.models import Article
from helpdesk.tickets.search import terms_of

START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 24


@dataclass
class Hit:
    """One search result: the article (id, title, slug, summary, category, updated) and its snippet."""

    article: Article
    snippet: Markup


def highlight(text):
    """Escaped text with the database's match markers as <mark> elements."""
    return Markup(str(escape(text)).replace(START, "<mark>").replace(STOP, "</mark>"))


_COLUMNS = "a.id, a.workspace_id, a.category_id, a.title, a.slug, a.summary, a.state, a.updated_at"


def search_articles(workspace_id, query, states, *, limit=20):
    """Hits among the workspace's articles in `states`, best first (title matches before the others)."""
    terms = terms_of(query)
    if not terms or not states:
        return []
    rows = _postgres(workspace_id, terms, states, limit) if is_postgres() else _sqlite(
        workspace_id, terms, states, limit)
    hits = []
    for row in rows:
        snippet = row.body_snippet if START in (row.body_snippet or "") else (row.summary_hl or row.body_snippet)
        hits.append(Hit(row, highlight(snippet or "")))
    return hits


def _sqlite(workspace_id, terms, states, limit):
    """Title matches (best first), then the other matches; snippets only for the rows shown.

    FTS5 computes a row's columns before sorting, so highlight()/snippet() over every match of a
    common word would cost more than the search: they run in a last query on the chosen ids.
    """
    state_filter = " OR ".join(f'scope:"{state}"' for state in states)
    words = " AND ".join(f'"{term}"*' for term in terms)
    scope = f'scope:"w{int(workspace_id)}" AND ({state_filter})'
    ranked = ("SELECT rowid FROM article_search WHERE article_search MATCH ? "
              "ORDER BY bm25(article_search, 0.0, 10.0, 4.0, 1.0) LIMIT ?")
    ids = [row[0] for row in db.database.execute_sql(ranked, (f"{scope} AND title : ({words})", limit))]
    if len(ids) < limit:
        everywhere = db.database.execute_sql(ranked, (f"{scope} AND {{title summary body}} : ({words})",
                                                      limit + len(ids)))
        ids += [row[0] for row in everywhere if row[0] not in ids][:limit - len(ids)]
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    sql = (f"SELECT {_COLUMNS}, highlight(article_search, 2, char(2), char(3)) AS summary_hl, "
           f"snippet(article_search, 3, char(2), char(3), '…', {SNIPPET_WORDS}) AS body_snippet "
           "FROM article_search JOIN article AS a ON a.id = article_search.rowid "
           f"WHERE article_search MATCH ? AND article_search.rowid IN ({marks})")
    rows = {row.id: row for row in Article.raw(sql, f"{scope} AND {{title summary body}} : ({words})", *ids)}
    return [rows[i] for i in ids if i in rows]


def _postgres(workspace_id, terms, states, limit):
    tsquery = " & ".join(f"{term}:*" for term in terms)
    options = (f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=8, "
               "MaxFragments=1, FragmentDelimiter=…")
    sql = (f"SELECT {_COLUMNS}, ts_headline('simple', a.summary, m.query, %s) AS summary_hl, "
           "ts_headline('simple', a.body_text, m.query, %s) AS body_snippet FROM ("
           "SELECT s.article_id, s.title_doc @@ q.query AS in_title, ts_rank(s.document, q.query) AS score, "
           "q.query FROM article_search AS s, to_tsquery('simple', %s) AS q(query) "
           "WHERE s.workspace_id = %s AND s.state = ANY(%s) AND s.document @@ q.query "
           "ORDER BY in_title DESC, score DESC, s.article_id DESC LIMIT %s"
           ") AS m JOIN article AS a ON a.id = m.article_id ORDER BY m.in_title DESC, m.score DESC, a.id DESC")
    return list(Article.raw(sql, options, options, tsquery, workspace_id, list(states), limit))
