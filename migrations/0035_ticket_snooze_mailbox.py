"""Tickets: snooze (hidden until a time, who snoozed, when it ended) and the mailbox a mailed ticket came in through."""
from peewee import DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    migrator.migrate(
        migrator.add_column('ticket', 'snoozed_until', DateTimeField(null=True)),
        migrator.add_column('ticket', 'snoozed_by_id', ForeignKeyField(User, null=True, field=User.id,
                                                                       on_delete='SET NULL')),
        migrator.add_column('ticket', 'woke_at', DateTimeField(null=True)),
        migrator.add_column('ticket', 'mailbox_id', IntegerField(null=True)),
        migrator.add_index('ticket', ('workspace_id', 'snoozed_until'), False),
        migrator.add_index('ticket', ('snoozed_until',), False),
    )
    # Tickets opened by mail before: the mailbox of their inbound email.
    db.execute_sql("UPDATE ticket SET mailbox_id = (SELECT MIN(i.mailbox_id) FROM inbound_email i "
                   "WHERE i.ticket_id = ticket.id) WHERE channel = 'email'")


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('ticket', 'ticket_snoozed_until'),
        migrator.drop_index('ticket', 'ticket_workspace_id_snoozed_until'),
        *[migrator.drop_column('ticket', column) for column in ('snoozed_until', 'snoozed_by_id', 'woke_at', 'mailbox_id')],
    )
