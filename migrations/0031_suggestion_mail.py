"""Suggestion mail held back by the hourly limit: what waits on each subscription, and when it is due."""
from peewee import CharField, DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('suggestion_subscription', 'pending_reasons', CharField(max_length=100, default='')),
        migrator.add_column('suggestion_subscription', 'due_at', DateTimeField(null=True)),
        migrator.add_index('suggestion_subscription', ('pending_reasons', 'due_at'), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('suggestion_subscription', 'suggestion_subscription_pending_reasons_due_at'),
        migrator.drop_column('suggestion_subscription', 'due_at'),
        migrator.drop_column('suggestion_subscription', 'pending_reasons'),
    )
