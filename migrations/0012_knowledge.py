"""Knowledge base: categories, articles, revisions, images, votes, searches that found nothing, the change
stamp; the article search index kept by triggers; the members' "may edit the knowledge base" grant."""
from peewee import *


def up(migrator, db):
    class Workspace(Model):
        class Meta:
            database = db
            table_name = 'workspace'

    class AppUser(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class Category(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        name = CharField(max_length=120)
        slug = CharField(max_length=120)
        description = TextField(default='')
        position = IntegerField(default=0)
        parent = ForeignKeyField('self', null=True, on_delete='CASCADE')
        article_count = IntegerField(default=0)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'category'
            indexes = ((('workspace', 'parent', 'position'), False),)

    class Article(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        category = ForeignKeyField(Category, null=True, on_delete='SET NULL')
        title = CharField(max_length=200)
        slug = CharField(max_length=200)
        summary = CharField(max_length=300, default='')
        body = TextField(default='')
        body_html = TextField(default='')
        body_text = TextField(default='')
        toc = TextField(default='[]')
        state = CharField(max_length=16, default='draft')
        author = ForeignKeyField(AppUser, null=True, on_delete='SET NULL')
        updated_by = ForeignKeyField(AppUser, null=True, on_delete='SET NULL')
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        helpful_yes = IntegerField(default=0)
        helpful_no = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'article'
            indexes = (
                (('workspace', 'state', 'updated_at'), False),
                (('workspace', 'state', 'helpful_yes'), False),
                (('category', 'state', 'title'), False),
            )

    class ArticleRevision(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        article = ForeignKeyField(Article, on_delete='CASCADE')
        version = IntegerField()
        title = CharField(max_length=200)
        summary = CharField(max_length=300, default='')
        body = TextField(default='')
        state = CharField(max_length=16)
        category_id_at = IntegerField(null=True)
        author = ForeignKeyField(AppUser, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'article_revision'
            indexes = ((('article', 'version'), True),)

    class ArticleImage(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        token = CharField(max_length=32, unique=True)
        filename = CharField(max_length=255)
        content_type = CharField(max_length=64)
        size = IntegerField()
        storage_key = CharField(max_length=255, index=True)
        uploaded_by = ForeignKeyField(AppUser, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'article_image'

    class ArticleVote(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        article = ForeignKeyField(Article, on_delete='CASCADE')
        visitor = CharField(max_length=64)
        helpful = BooleanField()
        class Meta:
            database = db
            table_name = 'article_vote'
            indexes = ((('article', 'visitor'), True),)

    class FailedSearch(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, on_delete='CASCADE')
        month = CharField(max_length=7)
        query = CharField(max_length=200)
        count = IntegerField(default=1)
        last_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'failed_search'
            indexes = ((('workspace', 'month', 'query'), True), (('workspace', 'month', 'count'), False))

    class KnowledgeStamp(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, unique=True, on_delete='CASCADE')
        changed_at = DateTimeField()
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'knowledge_stamp'

    db.create_tables([Category, Article, ArticleRevision, ArticleImage, ArticleVote, FailedSearch, KnowledgeStamp])
    migrator.migrate(migrator.add_column('membership', 'may_edit_knowledge', BooleanField(default=False)))

    # The search index (helpdesk/knowledge/search.py): one row per article, written by triggers on `article`.
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE TABLE article_search (article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE, "
            "workspace_id INTEGER NOT NULL, state VARCHAR(16) NOT NULL, title_doc tsvector NOT NULL, "
            "document tsvector NOT NULL)")
        db.execute_sql("CREATE INDEX article_search_document ON article_search USING GIN (document)")
        db.execute_sql("CREATE INDEX article_search_workspace ON article_search (workspace_id, state)")
        db.execute_sql("""
            CREATE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO article_search (article_id, workspace_id, state, title_doc, document)
              VALUES (NEW.id, NEW.workspace_id, NEW.state, to_tsvector('simple', NEW.title),
                      setweight(to_tsvector('simple', NEW.title), 'A')
                      || setweight(to_tsvector('simple', NEW.summary), 'B')
                      || setweight(to_tsvector('simple', NEW.body_text), 'C'))
              ON CONFLICT (article_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id,
                state = EXCLUDED.state, title_doc = EXCLUDED.title_doc, document = EXCLUDED.document;
              RETURN NULL;
            END $$""")
        db.execute_sql("CREATE TRIGGER article_search_sync AFTER INSERT OR UPDATE OF title, summary, body_text, "
                       "state ON article FOR EACH ROW EXECUTE FUNCTION article_search_sync()")
    else:
        db.execute_sql("CREATE VIRTUAL TABLE article_search USING fts5("
                       "scope, title, summary, body, tokenize = 'unicode61 remove_diacritics 2')")
        row = ("(new.id, 'w' || new.workspace_id || ' ' || new.state, new.title, new.summary, new.body_text)")
        db.execute_sql("CREATE TRIGGER article_search_insert AFTER INSERT ON article BEGIN "
                       f"INSERT INTO article_search (rowid, scope, title, summary, body) VALUES {row}; END")
        db.execute_sql("CREATE TRIGGER article_search_update AFTER UPDATE OF title, summary, body_text, state "
                       "ON article BEGIN DELETE FROM article_search WHERE rowid = old.id; "
                       f"INSERT INTO article_search (rowid, scope, title, summary, body) VALUES {row}; END")
        db.execute_sql("CREATE TRIGGER article_search_delete AFTER DELETE ON article BEGIN "
                       "DELETE FROM article_search WHERE rowid = old.id; END")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TABLE IF EXISTS article_search")
        db.execute_sql("DROP FUNCTION IF EXISTS article_search_sync() CASCADE")
    else:
        for trigger in ("insert", "update", "delete"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS article_search_{trigger}")
        db.execute_sql("DROP TABLE IF EXISTS article_search")
    migrator.migrate(migrator.drop_column('membership', 'may_edit_knowledge'))
    for table in ('knowledge_stamp', 'failed_search', 'article_vote', 'article_image', 'article_revision',
                  'article', 'category'):
        migrator.migrate(migrator.drop_table(table))
