"""SELECTs whose SQL text is built once per database: the query every public help-center page runs first.

peewee builds a statement from its query tree each time it runs: about 0.5 ms for the help center's
three-table SELECT on the 2-core box, where PostgreSQL then answers it in 0.1 ms. `PreparedSelect(build,
arity)` asks peewee once per database for the text of `build(*placeholders)` and runs later calls with
the real values. The first run's rows are made by peewee's own cursor wrapper for that query (joins and
`attr=` names included); later runs follow the plan that wrapper worked out (core/hydrate.py), so the
result is what `build(*values)` would have returned. The values are passed to the
driver as they are (a model instance as its id): use it for text, integers and datetimes compared as such.
"""
from peewee import Model

from helpdesk.core.hydrate import Hydrator
from helpdesk.extensions import db

MARK_BASE = -7_316_504_223_081_946_000


def _slot(param, marks):
    for n, mark in enumerate(marks):
        if (type(param) is int and param == mark) or param == str(mark):
            return n
    return None


class PreparedSelect:
    def __init__(self, build, arity):
        self._build, self._arity, self._built = build, arity, {}
        self._hydrators = {}  # by database: core/hydrate.py's, from the first rows (False: they stay peewee's)

    def _shape(self, key):
        if key not in self._built:
            # Integers no query holds: an integer field keeps them as they are, a text field as their text.
            marks = [MARK_BASE - n for n in range(self._arity)]
            query = self._build(*marks)
            sql, params = query.sql()
            slots = [_slot(p, marks) for p in params]
            if {slot for slot in slots if slot is not None} != set(range(self._arity)):
                raise ValueError("each value must appear among the query's parameters")
            self._built[key] = query, sql, slots, params
        return self._built[key]

    def rows(self, *values):
        key = getattr(db.database, "obj", db.database)  # db.database is a Proxy; SQLite and PostgreSQL differ
        query, sql, slots, params = self._shape(key)
        hydrator = self._hydrators.get(key)
        values = [value.get_id() if isinstance(value, Model) else value for value in values]  # as peewee does
        cursor = db.database.execute_sql(sql, [params[n] if slot is None else values[slot]
                                               for n, slot in enumerate(slots)])
        if hydrator:
            return [hydrator.hydrate(row) for row in cursor.fetchall()]
        wrapper = query._get_cursor_wrapper(cursor)  # peewee's rows for this query (a private method)
        found = list(wrapper)
        if hydrator is None and wrapper.initialized:  # peewee works its plan out at the first row
            self._hydrators[key] = Hydrator.of(wrapper) or False
        return found

    def first(self, *values):
        """The first row, or None; `build` should end in `.limit(1)`."""
        found = self.rows(*values)
        return found[0] if found else None
