"""Support access (R35): the owner lets the operator open the workspace, read-only, for a while."""
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class SupportAccess(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        granted_by_id = IntegerField()
        expires_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'support_access'
    db.create_tables([SupportAccess])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('support_access'))
