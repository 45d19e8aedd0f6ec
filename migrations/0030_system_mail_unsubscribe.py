"""System mail: the one-click unsubscribe link of a message (RFC 8058), encrypted while it waits."""
from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column('system_email', 'unsubscribe_url', TextField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('system_email', 'unsubscribe_url'))
