"""SQLite search: each workspace's words listed, so that a prefix is read as the words it starts.

FTS5 answered "track"* by reading every document of every word it starts, 1-4 ms at a million tickets
(helpdesk/tickets/search.py). The table is filled from the documents already there, in batches of rowids.
PostgreSQL's prefix search reads its GIN index and needs no list.
"""
import json
import re
import unicodedata

from peewee import PostgresqlDatabase

BATCH = 5000
TERM = re.compile(r"[^\W_]+")  # as helpdesk/tickets/search.py splits a document (a copy: a migration stays as it ran)


def _terms(text):
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return sorted(set(TERM.findall(folded)))


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("CREATE TABLE search_term (workspace_id INTEGER NOT NULL, term TEXT NOT NULL, "
                   "PRIMARY KEY (workspace_id, term)) WITHOUT ROWID")
    last = 0
    while True:
        rows = db.execute_sql("SELECT rowid, scope, body FROM ticket_search WHERE rowid > ? ORDER BY rowid LIMIT ?",
                              (last, BATCH)).fetchall()
        if not rows:
            break
        by_workspace = {}
        for _, scope, body in rows:
            by_workspace.setdefault(int(scope[1:]), []).append(body)
        for workspace_id, bodies in by_workspace.items():
            db.execute_sql("INSERT OR IGNORE INTO search_term (workspace_id, term) SELECT ?, value FROM json_each(?)",
                           (workspace_id, json.dumps(_terms(" ".join(bodies)))))
        last = rows[-1][0]


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TABLE IF EXISTS search_term")
