"""Customers, tickets, messages, attachments, tags, events, canned replies, viewers; ticket search."""
# Generated from a schema diff on 2026-11-25 06:50.
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class Customer(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        email = CharField(null=True)
        name = CharField(max_length=200, default='')
        phone = CharField(max_length=64, default='')
        notes = TextField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'customer'
            indexes = ((('workspace', 'email'), True), (('workspace', 'name'), False))
    db.create_tables([Customer])

    class Ticket(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        number = IntegerField()
        subject = CharField(max_length=300)
        status = CharField(max_length=16, default='open')
        priority = CharField(max_length=16, default='normal')
        channel = CharField(max_length=16, default='manual')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        assignee = ForeignKeyField(User, null=True, on_delete='SET NULL')
        updated_at = DateTimeField()
        last_customer_activity_at = DateTimeField()
        first_response_at = DateTimeField(null=True)
        solved_at = DateTimeField(null=True)
        message_count = IntegerField(default=0)
        preview = CharField(max_length=200, default='')
        class Meta:
            database = db
            table_name = 'ticket'
            indexes = ((('workspace', 'number'), True), (('workspace', 'status', 'id'), False), (('workspace', 'status', 'last_customer_activity_at', 'id'), False), (('workspace', 'assignee', 'status', 'id'), False), (('workspace', 'assignee', 'status', 'last_customer_activity_at', 'id'), False), (('customer', 'id'), False))
    db.create_tables([Ticket])

    class Message(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        kind = CharField(max_length=16)
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        body_text = TextField(default='')
        body_html = TextField(null=True)
        email_message_id = CharField(null=True, max_length=998)
        delivery_status = CharField(null=True, max_length=16)
        delivery_error = TextField(null=True)
        class Meta:
            database = db
            table_name = 'message'
            indexes = ((('ticket', 'id'), False), (('workspace', 'email_message_id'), False))
    db.create_tables([Message])

    class Attachment(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        message = ForeignKeyField(Message, null=True, on_delete='CASCADE')
        filename = CharField()
        content_type = CharField()
        size = BigIntegerField()
        storage_key = CharField()
        content_id = CharField(null=True)
        class Meta:
            database = db
            table_name = 'attachment'
            indexes = ((('message', 'id'), False),)
    db.create_tables([Attachment])

    class CannedReply(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        title = CharField(max_length=120)
        body = TextField()
        class Meta:
            database = db
            table_name = 'canned_reply'
    db.create_tables([CannedReply])

    class Tag(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        name = CharField(max_length=64)
        class Meta:
            database = db
            table_name = 'tag'
            indexes = ((('workspace', 'name'), True),)
    db.create_tables([Tag])

    class TicketEvent(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        kind = CharField(max_length=32)
        data = TextField(default='{}')
        class Meta:
            database = db
            table_name = 'ticket_event'
            indexes = ((('ticket', 'id'), False),)
    db.create_tables([TicketEvent])

    class TicketTag(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        tag = ForeignKeyField(Tag, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'ticket_tag'
            indexes = ((('ticket', 'tag'), True), (('tag', 'ticket'), False))
    db.create_tables([TicketTag])

    class TicketViewer(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        replying = IntegerField(default=0)
        seen_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'ticket_viewer'
            indexes = ((('ticket', 'user'), True),)
    db.create_tables([TicketViewer])


    # Full-text search: one document per ticket (see helpdesk/tickets/search.py).
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE TABLE ticket_search (ticket_id INTEGER PRIMARY KEY REFERENCES ticket(id) ON DELETE CASCADE, "
            "workspace_id INTEGER NOT NULL, document tsvector NOT NULL)")
        db.execute_sql("CREATE INDEX ticket_search_document ON ticket_search USING GIN (document)")
    else:
        db.execute_sql("CREATE VIRTUAL TABLE ticket_search USING fts5("
                       "scope, body, tokenize = 'unicode61 remove_diacritics 2')")

def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS ticket_search")
    migrator.migrate(migrator.drop_table('ticket_viewer'))
    migrator.migrate(migrator.drop_table('ticket_tag'))
    migrator.migrate(migrator.drop_table('ticket_event'))
    migrator.migrate(migrator.drop_table('tag'))
    migrator.migrate(migrator.drop_table('canned_reply'))
    migrator.migrate(migrator.drop_table('attachment'))
    migrator.migrate(migrator.drop_table('message'))
    migrator.migrate(migrator.drop_table('ticket'))
    migrator.migrate(migrator.drop_table('customer'))
