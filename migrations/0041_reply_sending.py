"""Sending replies: Cc and Bcc on a reply, the workspace's undo-send delay, signatures per agent and mailbox."""
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class Mailbox(Model):
        class Meta:
            database = db
            table_name = 'mailbox'

    class Signature(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        user = ForeignKeyField(User, null=True, on_delete='CASCADE')
        mailbox = ForeignKeyField(Mailbox, null=True, on_delete='CASCADE')
        body = TextField(default='')
        class Meta:
            database = db
            table_name = 'signature'
            indexes = ((('workspace', 'user', 'mailbox'), False),)

    migrator.migrate(
        migrator.add_column('message', 'cc', TextField(null=True)),
        migrator.add_column('message', 'bcc', TextField(null=True)),
        migrator.add_column('workspace', 'undo_send_seconds', IntegerField(default=10)),
    )
    db.create_tables([Signature])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('signature'), migrator.drop_column('workspace', 'undo_send_seconds'),
                     migrator.drop_column('message', 'bcc'), migrator.drop_column('message', 'cc'))
