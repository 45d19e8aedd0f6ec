"""Count the SQL statements a block of code runs, through peewee's query hooks.

Used by the benchmark (queries per request) and by tests/tickets/test_query_counts.py.
"""
from contextlib import contextmanager

from helpdesk.extensions import db


class QueryCounter:
    """The statements seen so far: `count` and `statements` (the SQL text of each)."""

    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)

    def __call__(self, event):
        self.statements.append(event.sql)


def _database():
    database = db.database
    return getattr(database, "obj", database)  # FlaskDB keeps a Proxy


@contextmanager
def count_queries():
    """`with count_queries() as counter:` ... `counter.count`: every statement run on the app's database."""
    counter = QueryCounter()
    hooks = _database().query_hooks
    hooks.append(counter)
    try:
        yield counter
    finally:
        hooks.remove(counter)
