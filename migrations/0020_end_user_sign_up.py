"""End users: sign-up with a confirmed email, passwords, email change links, a per-address sign-in delay."""
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class EndUser(Model):
        class Meta:
            database = db
            table_name = 'end_user'

    class EndUserSignInThrottle(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        email = CharField(max_length=254)
        failures = IntegerField(default=0)
        last_attempt_at = DateTimeField()
        retry_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'end_user_sign_in_throttle'
            indexes = ((('workspace', 'email'), True),)

    migrator.migrate(
        migrator.add_column('end_user', 'email_verified_at', DateTimeField(null=True)),
        migrator.add_column('end_user', 'password_hash', CharField(null=True)),
        migrator.add_column('end_user_token', 'purpose', CharField(max_length=16, default='sign_in')),
        migrator.add_column('end_user_token', 'end_user_id',
                            ForeignKeyField(EndUser, EndUser.id, null=True, on_delete='CASCADE')),
        migrator.add_index('end_user_token', ('workspace_id', 'email', 'purpose'), False),
        migrator.add_column('end_user_session', 'method', CharField(max_length=16, default='link')),
    )
    # Accounts made before sign-up existed were made by opening a link sent to their address.
    db.execute_sql('UPDATE end_user SET email_verified_at = created_at WHERE email_verified_at IS NULL')
    db.create_tables([EndUserSignInThrottle])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('end_user_sign_in_throttle'))
    migrator.migrate(
        migrator.drop_column('end_user_session', 'method'),
        migrator.drop_index('end_user_token', 'end_user_token_workspace_id_email_purpose'),
        migrator.drop_column('end_user_token', 'end_user_id'),
        migrator.drop_column('end_user_token', 'purpose'),
        migrator.drop_column('end_user', 'password_hash'),
        migrator.drop_column('end_user', 'email_verified_at'),
    )
