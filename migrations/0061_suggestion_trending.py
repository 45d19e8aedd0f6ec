"""Trending recounted daily to the last 14 days: the cutoff of each suggestion's last recount, and an index
counting a suggestion's votes since a time."""
from peewee import DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('suggestion', 'trending_since', DateTimeField(null=True)),
        migrator.add_index('suggestion_vote', ('suggestion_id', 'created_at'), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('suggestion_vote', 'suggestion_vote_suggestion_id_created_at'),
        migrator.drop_column('suggestion', 'trending_since'),
    )
