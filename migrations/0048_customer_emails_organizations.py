"""Customers: further email addresses per customer, and organizations (by email domain) they belong to."""
from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Organization(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        name = CharField(max_length=200)
        domain = CharField(max_length=253, null=True)
        class Meta:
            database = db
            table_name = 'organization'
            indexes = ((('workspace', 'domain'), True), (('workspace', 'name'), False))

    class CustomerEmail(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        email = CharField(max_length=254)
        class Meta:
            database = db
            table_name = 'customer_email'
            indexes = ((('workspace', 'email'), True),)

    db.create_tables([Organization, CustomerEmail])
    migrator.migrate(
        migrator.add_column('customer', 'organization_id',
                            ForeignKeyField(Organization, null=True, on_delete='SET NULL', field=Organization.id)),
        migrator.add_index('customer', ('organization_id', 'id'), False),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index('customer', 'customer_organization_id_id'),
                     migrator.drop_column('customer', 'organization_id'))
    for table in ('customer_email', 'organization'):
        migrator.migrate(migrator.drop_table(table))
