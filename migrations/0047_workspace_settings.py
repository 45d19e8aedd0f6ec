"""Workspace settings: a default time zone, business details for invoices, and former addresses (slugs) that redirect."""
from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('workspace', 'timezone', CharField(max_length=64, null=True)),
        migrator.add_column('workspace', 'business_name', CharField(max_length=200, default='')),
        migrator.add_column('workspace', 'business_address', TextField(default='')),
        migrator.add_column('workspace', 'business_country', CharField(max_length=2, default='')),
        migrator.add_column('workspace', 'business_vat_id', CharField(max_length=32, default='')),
    )

    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class FormerSlug(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        slug = CharField(max_length=63, unique=True)
        class Meta:
            database = db
            table_name = 'former_slug'
    db.create_tables([FormerSlug])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('former_slug'))
    for column in ('business_vat_id', 'business_country', 'business_address', 'business_name', 'timezone'):
        migrator.migrate(migrator.drop_column('workspace', column))
