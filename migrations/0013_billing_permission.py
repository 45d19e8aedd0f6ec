"""Billing: the owner grants an admin billing (R5: sees "Your plan", pays, may cancel)."""
from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(migrator.add_column('membership', 'may_bill', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('membership', 'may_bill'))
