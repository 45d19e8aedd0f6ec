"""My account: a person's time zone and language, and the email change proved by a link to the new address."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('app_user', 'timezone', CharField(max_length=64, null=True)),
        migrator.add_column('app_user', 'locale', CharField(max_length=16, default='en')),
        migrator.add_column('account_token', 'new_email', CharField(max_length=254, null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('account_token', 'new_email'),
        migrator.drop_column('app_user', 'locale'),
        migrator.drop_column('app_user', 'timezone'),
    )
