"""Accounts, workspaces, members, invitations, trial claims, audit log, system mail."""
# Generated from a schema diff on 2026-11-25 06:38.
from peewee import *


def up(migrator, db):
    class User(Model):
        created_at = DateTimeField()
        email = CharField(unique=True)
        name = CharField(max_length=120)
        password_hash = CharField(null=True)
        google_subject = CharField(unique=True, null=True)
        email_verified_at = DateTimeField(null=True)
        adult_confirmed_at = DateTimeField(null=True)
        terms_version = CharField(null=True, max_length=32)
        terms_accepted_at = DateTimeField(null=True)
        last_sign_in_at = DateTimeField(null=True)
        is_operator = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'app_user'
    db.create_tables([User])

    class AccountToken(Model):
        created_at = DateTimeField()
        user = ForeignKeyField(User, on_delete='CASCADE')
        purpose = CharField(max_length=32)
        token_hash = CharField(unique=True)
        expires_at = DateTimeField(index=True)
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'account_token'
    db.create_tables([AccountToken])

    class AuditEntry(Model):
        created_at = DateTimeField()
        workspace_id = IntegerField(index=True, null=True)
        actor_id = IntegerField(index=True, null=True)
        action = CharField(index=True, max_length=64)
        details = TextField(default='{}')
        ip = CharField(null=True, max_length=64)
        class Meta:
            database = db
            table_name = 'audit_entry'
    db.create_tables([AuditEntry])

    class Workspace(Model):
        created_at = DateTimeField()
        name = CharField(max_length=120)
        slug = CharField(unique=True, max_length=63)
        status = CharField(index=True, max_length=16, default='trial')
        trial_ends_at = DateTimeField(null=True)
        paid_until = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'workspace'
    db.create_tables([Workspace])

    class Invitation(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        email = CharField()
        role = CharField(max_length=16, default='agent')
        token_hash = CharField(unique=True)
        invited_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        expires_at = DateTimeField()
        accepted_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'invitation'
    db.create_tables([Invitation])

    class Membership(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        role = CharField(max_length=16, default='agent')
        class Meta:
            database = db
            table_name = 'membership'
            indexes = ((('workspace', 'user'), True),)
    db.create_tables([Membership])

    class SystemEmail(Model):
        created_at = DateTimeField()
        to_address = CharField()
        subject = CharField(max_length=998)
        text_body = TextField()
        html_body = TextField()
        status = CharField(index=True, max_length=16, default='queued')
        attempts = IntegerField(default=0)
        last_error = TextField(null=True)
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'system_email'
    db.create_tables([SystemEmail])

    class TrialClaim(Model):
        created_at = DateTimeField()
        email_key = CharField(index=True)
        domain_key = CharField(index=True, null=True)
        workspace = ForeignKeyField(Workspace, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'trial_claim'
    db.create_tables([TrialClaim])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('trial_claim'))
    migrator.migrate(migrator.drop_table('system_email'))
    migrator.migrate(migrator.drop_table('membership'))
    migrator.migrate(migrator.drop_table('invitation'))
    migrator.migrate(migrator.drop_table('workspace'))
    migrator.migrate(migrator.drop_table('audit_entry'))
    migrator.migrate(migrator.drop_table('account_token'))
    migrator.migrate(migrator.drop_table('app_user'))
