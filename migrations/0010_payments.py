"""Billing: how an invoice is paid (card through the provider, or bank transfer), its provider references,
decline reason, refunds and operator flag; provider webhook events stored so that each applies once."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Plan(Model):
        class Meta:
            database = db
            table_name = 'plan'

    class WebhookEvent(Model):
        created_at = DateTimeField()
        event_id = CharField(max_length=255, unique=True)
        type = CharField(max_length=100)
        outcome = CharField(max_length=100)

        class Meta:
            database = db
            table_name = 'webhook_event'
    db.create_tables([WebhookEvent])
    migrator.migrate(
        migrator.add_column('invoice', 'plan_id', ForeignKeyField(Plan, null=True, field=Plan.id, on_delete='SET NULL')),
        migrator.add_column('invoice', 'kind', CharField(max_length=16, default='period')),
        migrator.add_column('invoice', 'method', CharField(max_length=16, default='card')),
        migrator.add_column('invoice', 'buyer_email', CharField(max_length=254, default='')),
        migrator.add_column('invoice', 'provider_ref', CharField(max_length=255, null=True)),
        migrator.add_column('invoice', 'payment_ref', CharField(max_length=255, null=True)),
        migrator.add_column('invoice', 'decline_reason', TextField(default='')),
        migrator.add_column('invoice', 'refunded', IntegerField(default=0)),
        migrator.add_column('invoice', 'flag', TextField(default='')),
        migrator.add_index('invoice', ('provider_ref',), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('invoice', 'invoice_provider_ref'),
        *(migrator.drop_column('invoice', column) for column in
          ('flag', 'refunded', 'decline_reason', 'payment_ref', 'provider_ref', 'buyer_email', 'method', 'kind',
           'plan_id')),
        migrator.drop_table('webhook_event'),
    )
