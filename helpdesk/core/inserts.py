"""One-row INSERTs whose SQL text is built once per model and set of columns.

peewee builds every statement from its query tree: about 0.13 ms a time on a
2-core box, twenty times what SQLite then takes to run a small insert. Mail
ingestion writes four or five rows per message (the stored message, a
customer, a ticket, its first message and event), so those go through
`create_row`: the first insert of each shape is built by peewee, later ones
only convert their values. Same result as `Model.create`, including defaults.
"""
from helpdesk.extensions import db

# (database, model, column names) -> (sql, fields in parameter order); None when peewee's order did not match.
# The database is part of the key: SQLite and PostgreSQL write different SQL (tests run apps on both).
_BUILT = {}


def create_row(model, **values):
    """`model.create(**values)`, with the statement's text built once per shape; returns the saved instance."""
    instance = model(**values)  # fills the defaults, as create() does
    row = instance.__data__
    database = db.database
    key = (getattr(database, "obj", database), model, tuple(sorted(row)))  # db.database is a Proxy
    if key not in _BUILT:
        _BUILT[key] = _build(model, row)
    built = _BUILT[key]
    if built is None:
        instance.save(force_insert=True)
        return instance
    sql, fields = built
    cursor = database.execute_sql(sql, [field.db_value(row[field.name]) for field in fields])
    instance._pk = cursor.fetchone()[0] if database.returning_clause else cursor.lastrowid
    instance._dirty.clear()  # saved: nothing is left to write (what save() does)
    return instance


def _build(model, row):
    """peewee's SQL for this shape, with its fields in the order of its parameters (checked on the text)."""
    sql, _ = model.insert(row).sql()
    fields = [field for field in model._meta.sorted_fields if field.name in row]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    return (sql, fields) if f"({columns}) VALUES" in sql else None
