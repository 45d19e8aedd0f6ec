"""In-app notifications (mentions, assignments, customer replies) and each person's email preferences."""
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

    class Notification(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        kind = CharField(max_length=32)
        excerpt = CharField(max_length=200, default='')
        read_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'notification'
            indexes = ((('workspace', 'user', 'id'), False), (('workspace', 'user', 'read_at', 'id'), False))

    class NotificationPreference(Model):
        created_at = DateTimeField()
        user = ForeignKeyField(User, on_delete='CASCADE', unique=True)
        email_mentions = BooleanField(default=True)
        email_assignments = BooleanField(default=True)
        email_customer_replies = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'notification_preference'
    db.create_tables([Notification, NotificationPreference])


def down(migrator, db):
    for table in ('notification_preference', 'notification'):
        migrator.migrate(migrator.drop_table(table))
