"""Help center end users: accounts per workspace, emailed sign-in links, signed-in browsers."""
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class EndUser(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        email = CharField(max_length=254)
        name = CharField(max_length=200, default='')
        last_sign_in_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'end_user'
            indexes = ((('workspace', 'email'), True),)

    class EndUserToken(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        email = CharField(max_length=254)
        token_hash = CharField(unique=True)
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'end_user_token'

    class EndUserSession(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        end_user = ForeignKeyField(EndUser, on_delete='CASCADE')
        key_hash = CharField(unique=True)
        expires_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'end_user_session'
    db.create_tables([EndUser, EndUserToken, EndUserSession])


def down(migrator, db):
    for table in ('end_user_session', 'end_user_token', 'end_user'):
        migrator.migrate(migrator.drop_table(table))
