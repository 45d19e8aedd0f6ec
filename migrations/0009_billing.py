"""Billing: plans, price changes, subscriptions, invoices, lifecycle notices, deletions; the workspace's
free-plan flag and when its state began."""
# Generated from a schema diff on 2026-12-02 07:18.
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class Deletion(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, unique=True, on_delete='CASCADE')
        reason = CharField(max_length=32)
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        rows_deleted = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'deletion'
    db.create_tables([Deletion])

    class Invoice(Model):
        created_at = DateTimeField()
        number = IntegerField(unique=True)
        workspace = ForeignKeyField(Workspace, null=True, on_delete='SET NULL')
        status = CharField(index=True, max_length=16, default='open')
        seller = TextField()
        buyer_name = CharField(max_length=200)
        buyer_address = TextField(default='')
        buyer_country = CharField(max_length=2, default='')
        buyer_vat_id = CharField(max_length=32, default='')
        plan_name = CharField(max_length=80)
        seats = IntegerField()
        period_months = IntegerField()
        period_start = DateTimeField()
        period_end = DateTimeField()
        currency = CharField(max_length=3)
        unit_price = IntegerField()
        discount = IntegerField(default=0)
        net = IntegerField()
        tax_rate = IntegerField()
        tax = IntegerField()
        gross = IntegerField()
        issued_at = DateTimeField()
        paid_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'invoice'
    db.create_tables([Invoice])

    class LifecycleNotice(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, field=Workspace.id, on_delete='CASCADE')
        kind = CharField(max_length=32)
        period = CharField(max_length=32)
        claimed_at = DateTimeField()
        email_id = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'lifecycle_notice'
            indexes = ((('workspace', 'kind', 'period'), True),)
    db.create_tables([LifecycleNotice])

    class Plan(Model):
        created_at = DateTimeField()
        name = CharField(unique=True, max_length=80)
        currency = CharField(max_length=3, default='EUR')
        price_per_seat = IntegerField()
        discount_1 = IntegerField(default=0)
        discount_3 = IntegerField(default=0)
        discount_6 = IntegerField(default=0)
        discount_12 = IntegerField(default=0)
        bank_transfer_periods = CharField(max_length=16, default='12')
        is_free = BooleanField(default=False)
        seat_limit = IntegerField(null=True)
        trial_seat_limit = IntegerField(default=3)
        retire_on = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'plan'
    db.create_tables([Plan])

    class PriceChange(Model):
        created_at = DateTimeField()
        plan = ForeignKeyField(Plan, on_delete='CASCADE')
        price_per_seat = IntegerField()
        effective_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'price_change'
            indexes = ((('plan', 'effective_at'), True),)
    db.create_tables([PriceChange])

    class Subscription(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, unique=True, on_delete='CASCADE')
        plan = ForeignKeyField(Plan, on_delete='RESTRICT')
        seats = IntegerField(default=1)
        period_months = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'subscription'
    db.create_tables([Subscription])

    migrator.migrate(migrator.add_column('workspace', 'free_plan', BooleanField(default=False)))
    migrator.migrate(migrator.add_column('workspace', 'status_changed_at', DateTimeField(null=True)))
    # Existing workspaces: their state dates from the end of their period (a lapse counts from there).
    db.execute_sql("UPDATE workspace SET status_changed_at = COALESCE(paid_until, trial_ends_at, created_at)")


def down(migrator, db):
    migrator.migrate(migrator.drop_column('workspace', 'status_changed_at'))
    migrator.migrate(migrator.drop_column('workspace', 'free_plan'))
    migrator.migrate(migrator.drop_table('subscription'))
    migrator.migrate(migrator.drop_table('price_change'))
    migrator.migrate(migrator.drop_table('plan'))
    migrator.migrate(migrator.drop_table('lifecycle_notice'))
    migrator.migrate(migrator.drop_table('invoice'))
    migrator.migrate(migrator.drop_table('deletion'))

