"""Sign-in: a row per signed-in session (sign-out and password changes end them) and the per-account sign-in delay."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class UserSession(Model):
        created_at = DateTimeField()
        user = ForeignKeyField(User, field=User.id, on_delete='CASCADE')
        key_hash = CharField(unique=True)
        method = CharField(max_length=16)
        remember = BooleanField(default=False)
        last_seen_at = DateTimeField()
        expires_at = DateTimeField(index=True)
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'user_session'
    db.create_tables([UserSession])

    class SignInThrottle(Model):
        created_at = DateTimeField()
        email = CharField(max_length=254, unique=True)
        failures = IntegerField(default=0)
        last_attempt_at = DateTimeField()
        retry_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'sign_in_throttle'
    db.create_tables([SignInThrottle])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('sign_in_throttle'))
    migrator.migrate(migrator.drop_table('user_session'))
