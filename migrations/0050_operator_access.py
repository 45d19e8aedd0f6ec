"""The operator console's access: TOTP second factor, recovery codes, console sign-ins, the operator's log."""
from peewee import *


def up(migrator, db):
    class AppUser(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class UserSession(Model):
        class Meta:
            database = db
            table_name = 'user_session'

    class OperatorFactor(Model):
        created_at = DateTimeField()
        user = ForeignKeyField(AppUser, unique=True, on_delete='CASCADE')
        secret = TextField()
        confirmed_at = DateTimeField(null=True)
        last_timestep = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'operator_factor'

    class RecoveryCode(Model):
        created_at = DateTimeField()
        user = ForeignKeyField(AppUser, on_delete='CASCADE')
        code_hash = CharField(unique=True)
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'recovery_code'

    class OperatorSignIn(Model):
        created_at = DateTimeField()
        user_session = ForeignKeyField(UserSession, unique=True, on_delete='CASCADE')
        method = CharField(max_length=16)
        expires_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'operator_sign_in'

    class OperatorLogEntry(Model):
        created_at = DateTimeField()
        operator = ForeignKeyField(AppUser, on_delete='CASCADE')
        workspace_id = IntegerField(null=True, index=True)
        workspace_slug = CharField(max_length=63, default='')
        action = CharField(max_length=64)
        details = TextField(default='{}')
        ip = CharField(max_length=64, null=True)
        class Meta:
            database = db
            table_name = 'operator_log_entry'
            indexes = ((('operator', 'id'), False),)
    db.create_tables([OperatorFactor, RecoveryCode, OperatorSignIn, OperatorLogEntry])


def down(migrator, db):
    for table in ('operator_log_entry', 'operator_sign_in', 'recovery_code', 'operator_factor'):
        migrator.migrate(migrator.drop_table(table))
