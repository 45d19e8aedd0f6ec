"""Ticket watchers: agents who hear of a customer's replies on a ticket they do not hold."""
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

    class TicketWatcher(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'ticket_watcher'
            indexes = ((('ticket', 'user'), True),)
    db.create_tables([TicketWatcher])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('ticket_watcher'))
