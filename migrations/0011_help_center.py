"""Help center: one settings row per workspace (on/off, knowledge base internal-only, branding)."""
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class HelpCenter(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, unique=True, on_delete='CASCADE')
        enabled = BooleanField(default=True)
        knowledge_internal = BooleanField(default=False)
        display_name = CharField(max_length=120, default='')
        welcome_text = TextField(default='')
        accent_color = CharField(max_length=7, default='')
        logo_key = CharField(null=True, index=True)
        logo_type = CharField(max_length=16, default='')
        footer_links = TextField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'help_center'
    db.create_tables([HelpCenter])


def down(migrator, db):
    db.execute_sql('DROP TABLE help_center')
