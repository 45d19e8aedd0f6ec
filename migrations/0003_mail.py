"""Mail channel: mailboxes, fetched and sent mail, blocked senders; the workspace's remote-images setting."""
# Generated from a schema diff on 2026-11-25 08:25.
from peewee import *


def up(migrator, db):
    class Message(Model):
        class Meta:
            database = db
            table_name = 'message'

    class Ticket(Model):
        class Meta:
            database = db
            table_name = 'ticket'

    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class BlockedSender(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        pattern = CharField(max_length=254)
        class Meta:
            database = db
            table_name = 'blocked_sender'
            indexes = ((('workspace', 'pattern'), True),)
    db.create_tables([BlockedSender])

    class Mailbox(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        address = CharField(max_length=254)
        display_name = CharField(max_length=120, default='')
        auth_method = CharField(max_length=16, default='password')
        is_default = BooleanField(default=False)
        imap_host = CharField()
        imap_port = IntegerField(default=993)
        imap_security = CharField(max_length=16, default='ssl')
        imap_username = CharField(max_length=254, default='')
        imap_password = TextField(null=True)
        imap_folder = CharField(default='INBOX')
        sent_folder = CharField(default='')
        smtp_host = CharField()
        smtp_port = IntegerField(default=587)
        smtp_security = CharField(max_length=16, default='starttls')
        smtp_username = CharField(max_length=254, default='')
        smtp_password = TextField(null=True)
        oauth_access_token = TextField(null=True)
        oauth_refresh_token = TextField(null=True)
        oauth_expires_at = DateTimeField(null=True)
        uidvalidity = BigIntegerField(null=True)
        last_uid = BigIntegerField(default=0)
        next_fetch_at = DateTimeField(null=True)
        fetch_lease_until = DateTimeField(null=True)
        last_fetch_at = DateTimeField(null=True)
        last_fetch_error = TextField(null=True)
        consecutive_failures = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'mailbox'
            indexes = ((('workspace', 'address'), True), (('next_fetch_at',), False))
    db.create_tables([Mailbox])

    class InboundEmail(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        mailbox = ForeignKeyField(Mailbox, null=True, on_delete='SET NULL')
        uidvalidity = BigIntegerField(null=True)
        uid = BigIntegerField(null=True)
        raw_key = CharField()
        size = IntegerField(default=0)
        email_message_id = CharField(null=True, max_length=998)
        fingerprint = CharField(max_length=64)
        owns_fingerprint = CharField(null=True, max_length=64)
        from_address = CharField(max_length=254, default='')
        subject = CharField(max_length=300, default='')
        status = CharField(max_length=16, default='pending')
        decision = CharField(max_length=300, default='')
        error = TextField(null=True)
        attempts = IntegerField(default=0)
        ticket = ForeignKeyField(Ticket, null=True, on_delete='SET NULL')
        message = ForeignKeyField(Message, null=True, on_delete='SET NULL')
        processed_at = DateTimeField(null=True)
        notified_at = DateTimeField(null=True)
        force = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'inbound_email'
            indexes = ((('mailbox', 'uidvalidity', 'uid'), True), (('workspace', 'owns_fingerprint'), True), (('workspace', 'status', 'id'), False), (('workspace', 'id'), False), (('mailbox', 'status', 'id'), False), (('status', 'id'), False), (('ticket', 'id'), False))
    db.create_tables([InboundEmail])

    class OutboundEmail(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        message = ForeignKeyField(Message, unique=True, on_delete='CASCADE')
        mailbox = ForeignKeyField(Mailbox, null=True, on_delete='SET NULL')
        status = CharField(max_length=16, default='queued')
        attempts = IntegerField(default=0)
        last_error = TextField(null=True)
        next_attempt_at = DateTimeField(null=True)
        lease_until = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        raw_key = CharField(null=True)
        sent_copy_status = CharField(null=True, max_length=16)
        sent_copy_error = TextField(null=True)
        class Meta:
            database = db
            table_name = 'outbound_email'
            indexes = ((('status', 'next_attempt_at'), False), (('workspace', 'status', 'sent_at'), False), (('sent_copy_status',), False))
    db.create_tables([OutboundEmail])

    migrator.migrate(migrator.add_column('workspace', 'load_remote_images', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('workspace', 'load_remote_images'))
    migrator.migrate(migrator.drop_table('outbound_email'))
    migrator.migrate(migrator.drop_table('inbound_email'))
    migrator.migrate(migrator.drop_table('mailbox'))
    migrator.migrate(migrator.drop_table('blocked_sender'))

