"""Saved inbox views: a named filter, private to its owner or shared with the team."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class SavedView(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        name = CharField(max_length=80)
        owner = ForeignKeyField(User, on_delete='CASCADE')
        shared = BooleanField(default=False)
        filters = TextField(default='{}')

        class Meta:
            database = db
            table_name = 'saved_view'
            indexes = ((('workspace', 'owner'), False),)
    db.create_tables([SavedView])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('saved_view'))
