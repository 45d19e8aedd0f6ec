"""Ticket merges: a merged ticket points at the ticket that took its messages (its page redirects there)."""
from peewee import ForeignKeyField, Model


def up(migrator, db):
    class Ticket(Model):
        class Meta:
            database = db
            table_name = 'ticket'

    migrator.migrate(migrator.add_column(
        'ticket', 'merged_into_id', ForeignKeyField(Ticket, null=True, on_delete='SET NULL', field=Ticket.id)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('ticket', 'merged_into_id'))
