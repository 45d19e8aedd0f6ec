"""PostgreSQL search: an index on (workspace_id, ticket_id) to read a workspace's newest documents first."""
from peewee import PostgresqlDatabase


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("CREATE INDEX ticket_search_workspace_id_ticket_id ON ticket_search (workspace_id, ticket_id)")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP INDEX IF EXISTS ticket_search_workspace_id_ticket_id")
