"""Mail: the process holding a mailbox's fetch lease (host:pid), so that a lease whose process is gone is taken over."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("mailbox", "fetch_lease_holder", CharField(max_length=255, null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("mailbox", "fetch_lease_holder"))
