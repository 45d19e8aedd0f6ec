"""Contact form: the acknowledgement's Reply-To on system mail; "This answered my question" counts."""
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class Article(Model):
        class Meta:
            database = db
            table_name = 'article'

    class ArticleAnswered(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        article = ForeignKeyField(Article, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'article_answered'
            indexes = ((('workspace', 'article'), False),)
    db.create_tables([ArticleAnswered])
    migrator.migrate(migrator.add_column('system_email', 'reply_to', CharField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('system_email', 'reply_to'))
    migrator.migrate(migrator.drop_table('article_answered'))
