"""Reply drafts kept on the server while an agent types (one per agent and ticket)."""
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

    class Ticket(Model):
        class Meta:
            database = db
            table_name = 'ticket'

    class Draft(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        body = TextField(default='')
        cc = TextField(default='')
        bcc = TextField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'draft'
            indexes = ((('ticket', 'user'), True),)
    db.create_tables([Draft])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('draft'))
