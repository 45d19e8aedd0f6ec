"""Categories, articles and their revisions, images, votes, searches that found nothing, the change stamp.

An article keeps its Markdown (`body`) and what is derived from it at save time: sanitized HTML
(`body_html`), plain text for search and snippets (`body_text`) and its headings (`toc`, JSON), so a
page view renders no Markdown. The search index (`search.py`) is kept by database triggers.
"""
import json

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.core.storage import register_storage_keys
from helpdesk.workspaces.models import TenantModel, Workspace


class State:
    """Who sees an article: nobody but editors, everyone, or agents only."""

    DRAFT, PUBLISHED, INTERNAL = "draft", "published", "internal"
    ALL = (DRAFT, PUBLISHED, INTERNAL)
    LABELS = {DRAFT: "Draft", PUBLISHED: "Published", INTERNAL: "Internal (agents only)"}


class Category(TenantModel):
    """A group of articles; one level of sub-categories (`parent` is a top-level category)."""

    name = CharField(max_length=120)
    slug = CharField(max_length=120)
    description = TextField(default="")
    position = IntegerField(default=0)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    # Published articles in it (its sub-categories' included for a top-level one): kept by services.
    article_count = IntegerField(default=0)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workspace", "parent", "position"), False),)


class Article(TenantModel):
    """A knowledge-base article; `version` grows by one at each save (the edit conflict check)."""

    category = ForeignKeyField(Category, null=True, backref="articles", on_delete="SET NULL")
    title = CharField(max_length=200)
    slug = CharField(max_length=200)
    summary = CharField(max_length=300, default="")
    body = TextField(default="")  # Markdown, as written
    body_html = TextField(default="")  # rendered and sanitized
    body_text = TextField(default="")  # plain text: search and snippets
    toc = TextField(default="[]")  # JSON [[level, anchor, text], ...]
    state = CharField(max_length=16, default=State.DRAFT)
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)
    helpful_yes = IntegerField(default=0)
    helpful_no = IntegerField(default=0)

    class Meta:
        indexes = (
            (("workspace", "state", "updated_at"), False),
            (("workspace", "state", "helpful_yes"), False),
            (("category", "state", "title"), False),
        )

    @property
    def headings(self):
        return json.loads(self.toc or "[]")

    @property
    def is_public(self):
        return self.state == State.PUBLISHED


class ArticleRevision(TenantModel):
    """What an article was after one save: every save keeps one, and any can be restored."""

    article = ForeignKeyField(Article, backref="revisions", on_delete="CASCADE")
    version = IntegerField()
    title = CharField(max_length=200)
    summary = CharField(max_length=300, default="")
    body = TextField(default="")
    state = CharField(max_length=16)
    category_id_at = IntegerField(null=True)  # the category then (it may be gone since)
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("article", "version"), True),)


class ArticleImage(TenantModel):
    """An image uploaded for articles, kept in `core.storage`, served publicly under its random token."""

    token = CharField(max_length=32, unique=True)
    filename = CharField(max_length=255)
    content_type = CharField(max_length=64)
    size = IntegerField()
    storage_key = CharField(max_length=255, index=True)
    uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class ArticleVote(TenantModel):
    """One visitor's "Was this helpful?" answer on one article (a second answer replaces the first)."""

    article = ForeignKeyField(Article, on_delete="CASCADE")
    visitor = CharField(max_length=64)  # SHA-256 of the visitor's cookie id
    helpful = BooleanField()

    class Meta:
        indexes = ((("article", "visitor"), True),)


class FailedSearch(TenantModel):
    """A search of the help center that found nothing, counted per month and query."""

    month = CharField(max_length=7)  # "2026-12"
    query = CharField(max_length=200)
    count = IntegerField(default=1)
    last_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workspace", "month", "query"), True), (("workspace", "month", "count"), False))


class KnowledgeStamp(TenantModel):
    """When anything public of a workspace's knowledge base last changed: the pages' ETag and Last-Modified."""

    workspace = ForeignKeyField(Workspace, unique=True, on_delete="CASCADE")
    changed_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)


register_storage_keys(ArticleImage, "storage_key")

MODELS = [Category, Article, ArticleRevision, ArticleImage, ArticleVote, FailedSearch, KnowledgeStamp]
