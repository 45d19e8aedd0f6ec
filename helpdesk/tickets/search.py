"""Full-text search over tickets: subject, messages, customer name and email.

One document per ticket, in a table of its own:
- SQLite: an FTS5 table `ticket_search(scope, body)`, rowid = ticket id; `scope`
  holds "w<workspace id>" so the workspace filter is part of the MATCH.
- PostgreSQL: `ticket_search(ticket_id, workspace_id, document tsvector)` with a GIN index.
Both use no stemming ('simple' / unicode61) so every language is found as typed,
and every word of the query matches as a prefix ("printe" finds "printer").

On SQLite a prefix costs FTS5 a read of every document holding a word it starts before the newest can
come out: 1-4 ms for a word in 2-8% of a million tickets, where an exact word's newest page takes 0.05 ms.
So each workspace's words are listed in `search_term(workspace_id, term)` (SQLite only), and a prefix
becomes the OR of the words it starts, each read from its newest documents on; a prefix that starts more
than MAX_EXPANSION words, or one that is not plain ASCII letters and digits, stays a prefix query.
"""
import json
import re
import unicodedata

from helpdesk.extensions import db, is_postgres

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def terms_of(query):
    """The words of a search box entry, at most MAX_TERMS of them."""
    return WORD.findall(query.lower())[:MAX_TERMS]


def document_words(text):
    """Text as plain words: PostgreSQL's parser would keep "ann@acme.example" as one token."""
    return " ".join(WORD.findall(text.lower()))


TERM = re.compile(r"[^\W_]+")  # a run of letters and digits: a token of FTS5's unicode61 (it splits at "_")
PLAIN_PREFIX = re.compile(r"[a-z0-9]+")  # a query word whose expansion is exact: FTS5 folds nothing of it
MAX_EXPANSION = 32


def document_terms(words):
    """The distinct FTS5 tokens of `words` as unicode61 with remove_diacritics 2 makes them ("café" is "cafe")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", words) if not unicodedata.combining(c)).lower()
    return set(TERM.findall(folded))


def listing_terms(workspace_id, words):
    """The statement and values adding the words of SQLite documents to their workspace's terms (those
    already listed stay): one statement for all, the terms a JSON array read by json_each."""
    return ("INSERT OR IGNORE INTO search_term (workspace_id, term) SELECT ?, value FROM json_each(?)",
            (workspace_id, json.dumps(sorted(document_terms(words)))))


def _match_terms(workspace_id, terms):
    """The FTS5 expression of each query word: the OR of the workspace's words it starts, or a prefix query.
    The listed words of all plain words come in one statement."""
    plain = [term for term in terms if PLAIN_PREFIX.fullmatch(term)]
    listed = {term: [] for term in plain}
    if plain:
        part = ("SELECT * FROM (SELECT ?, term FROM search_term WHERE workspace_id = ? AND term >= ? AND term < ? "
                "ORDER BY term LIMIT ?)")
        values = []
        for term in plain:
            values += [term, workspace_id, term, term[:-1] + chr(ord(term[-1]) + 1), MAX_EXPANSION + 1]
        for term, word in db.database.execute_sql(" UNION ALL ".join([part] * len(plain)), values):
            listed[term].append(word)
    matches = []
    for term in terms:
        words = listed.get(term, ())
        if 0 < len(words) <= MAX_EXPANSION:
            matches.append("(" + " OR ".join(f'body:"{word}"' for word in words) + ")")
        else:  # none listed (FTS5 then finds no word to read either), too many, or not plain ASCII
            matches.append(f'body:"{term}"*')
    return matches


def index_ticket(ticket_id, workspace_id, text):
    """Create the document of a new ticket."""
    text = document_words(text)
    if is_postgres():
        db.database.execute_sql(
            "INSERT INTO ticket_search (ticket_id, workspace_id, document) VALUES (%s, %s, to_tsvector('simple', %s))",
            (ticket_id, workspace_id, text))
    else:
        db.database.execute_sql("INSERT INTO ticket_search (rowid, scope, body) VALUES (?, ?, ?)",
                                (ticket_id, f"w{workspace_id}", text))
        db.database.execute_sql(*listing_terms(workspace_id, text))


def append_text(ticket_id, workspace_id, text):
    """Add words (a new message, a new customer name) to a ticket's document."""
    text = document_words(text)
    if is_postgres():
        db.database.execute_sql(
            "UPDATE ticket_search SET document = document || to_tsvector('simple', %s) WHERE ticket_id = %s",
            (text, ticket_id))
    else:
        db.database.execute_sql("UPDATE ticket_search SET body = body || ' ' || ? WHERE rowid = ?",
                                (text, ticket_id))
        db.database.execute_sql(*listing_terms(workspace_id, text))


def delete_document(ticket_id):
    """Drop one ticket's document (a merged ticket's words live on in the ticket it went into)."""
    if is_postgres():
        db.database.execute_sql("DELETE FROM ticket_search WHERE ticket_id = %s", (ticket_id,))
    else:
        db.database.execute_sql("DELETE FROM ticket_search WHERE rowid = ?", (ticket_id,))


def search_ticket_ids(workspace_id, query, *, before_id=None, limit=25):
    """Ids of matching tickets of one workspace, newest first, below `before_id` (keyset)."""
    terms = terms_of(query)
    if not terms:
        return []
    if is_postgres():
        return _postgres_search(workspace_id, " & ".join(f"{term}:*" for term in terms), before_id, limit)
    match = f'scope:"w{workspace_id}" AND ' + " AND ".join(_match_terms(workspace_id, terms))
    below = " AND rowid < ?" if before_id else ""
    sql = f"SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?{below} ORDER BY rowid DESC LIMIT ?"
    return [row[0] for row in db.database.execute_sql(sql, [match, *([before_id] if before_id else []), limit])]


# PostgreSQL reads the GIN index into a bitmap of *every* match before it can sort: for a word in half
# of a million tickets that is seconds. The newest RECENT_WINDOW documents hold a full page of such a
# word's matches, and they are the newest matches overall; rarer words fall through to the GIN index,
# whose bitmap is then small.
RECENT_WINDOW = 2000


def _postgres_search(workspace_id, tsquery, before_id, limit):
    below = " AND ticket_id < %s" if before_id else ""
    below_params = [before_id] if before_id else []
    recent = ("SELECT ticket_id FROM (SELECT ticket_id, document FROM ticket_search WHERE workspace_id = %s"
              f"{below} ORDER BY ticket_id DESC LIMIT %s) AS recent "
              "WHERE document @@ to_tsquery('simple', %s) ORDER BY ticket_id DESC LIMIT %s")
    ids = [row[0] for row in db.database.execute_sql(
        recent, [workspace_id, *below_params, RECENT_WINDOW, tsquery, limit])]
    if len(ids) == limit:
        return ids
    everything = ("SELECT ticket_id FROM ticket_search WHERE workspace_id = %s "
                  f"AND document @@ to_tsquery('simple', %s){below} ORDER BY ticket_id DESC LIMIT %s")
    return [row[0] for row in db.database.execute_sql(everything, [workspace_id, tsquery, *below_params, limit])]


def delete_workspace_documents(workspace_id, limit):
    """Delete up to `limit` documents of a workspace (R21, in batches), then its terms; returns how many went."""
    if is_postgres():
        sql = ("DELETE FROM ticket_search WHERE ticket_id IN "
               "(SELECT ticket_id FROM ticket_search WHERE workspace_id = %s LIMIT %s)")
        return db.database.execute_sql(sql, (workspace_id, limit)).rowcount
    sql = ("DELETE FROM ticket_search WHERE rowid IN "
           "(SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? LIMIT ?)")
    deleted = db.database.execute_sql(sql, (f'scope:"w{int(workspace_id)}"', limit)).rowcount
    if deleted:
        return deleted
    sql = ("DELETE FROM search_term WHERE workspace_id = ? AND term IN "
           "(SELECT term FROM search_term WHERE workspace_id = ? LIMIT ?)")
    return db.database.execute_sql(sql, (workspace_id, workspace_id, limit)).rowcount


def count_workspace_documents(workspace_id):
    """How many search documents a workspace has."""
    if is_postgres():
        sql, params = "SELECT count(*) FROM ticket_search WHERE workspace_id = %s", (workspace_id,)
    else:
        sql, params = "SELECT count(*) FROM ticket_search WHERE ticket_search MATCH ?", (f'scope:"w{int(workspace_id)}"',)
    return db.database.execute_sql(sql, params).fetchone()[0]
