"""Knowledge-base rules: categories, articles with revisions and edit conflicts, votes, failed searches.

Writes take the workspace, the acting membership and `now`; each one that changes what visitors can
see moves the workspace's `KnowledgeStamp` (the public pages' ETag). Reads for the help center
(`public_categories`, `popular_articles`, `recent_articles`, `search_published`) return published
articles only.
"""
import difflib
import json

from peewee import IntegrityError, fn

from helpdesk.core import audit
from helpdesk.core.slugs import slugify
from helpdesk.extensions import db
from helpdesk.knowledge import search
from helpdesk.knowledge.markup import clean_text, render_markdown
from helpdesk.knowledge.models import (
    Article, ArticleRevision, ArticleVote, Category, FailedSearch, KnowledgeStamp, State,
)

FAILED_QUERY_LENGTH = 200


class KnowledgeError(Exception):
    """A rule refused the action; the message is meant for the person."""


class EditConflict(KnowledgeError):
    """Someone saved the article since this editor opened it: `current` is their version."""

    def __init__(self, current, base):
        super().__init__("Someone else saved this article while you were editing it.")
        self.current, self.base = current, base


def require_editor(membership):
    """Owners and admins always write the knowledge base; agents when granted (members page)."""
    if not membership.can_edit_knowledge:
        raise PermissionError("may not edit the knowledge base")


def slug_of(text):
    """A URL slug from a title or name: 'Réinitialiser le mot de passe' -> 'reinitialiser-le-mot-de-passe'."""
    return slugify(text, max_length=80, fallback="article")


def _update_or_create(update, create):
    """Run the `update` query; when it changed no row, `create()` the row (a concurrent request that made
    it first leaves an IntegrityError: then the update is run again, on that row)."""
    if update.execute():
        return
    try:
        with db.database.atomic():
            create()
    except IntegrityError:
        update.execute()


def touch(workspace, now):
    """Record that something visitors see changed (the public pages' ETag and Last-Modified move)."""
    _update_or_create(KnowledgeStamp.update(changed_at=now, version=KnowledgeStamp.version + 1)
                      .where(KnowledgeStamp.workspace == workspace),
                      lambda: KnowledgeStamp.create(workspace=workspace, changed_at=now, created_at=now))


def stamp_of(workspace):
    """(version, changed_at) of the workspace's knowledge base; (0, None) before its first change."""
    row = KnowledgeStamp.of(workspace, KnowledgeStamp.version, KnowledgeStamp.changed_at).tuples().first()
    return row or (0, None)


# --- categories ---------------------------------------------------------------------------------------

def category_tree(workspace):
    """Top-level categories in order, each with `.subcategories` (one query)."""
    rows = list(Category.of(workspace).order_by(Category.position, Category.name, Category.id))
    top = [c for c in rows if c.parent_id is None]
    for category in top:
        category.subcategories = [c for c in rows if c.parent_id == category.id]
    return top


def get_category(workspace, category_id):
    category = Category.of(workspace).where(Category.id == category_id).first()
    if category is None:
        raise LookupError(category_id)
    return category


def _parent_of(workspace, parent_id, category=None):
    if not parent_id:
        return None
    parent = get_category(workspace, parent_id)
    if parent.parent_id is not None:
        raise KnowledgeError("A sub-category cannot have sub-categories of its own: choose a top-level category.")
    if category is not None and (parent.id == category.id or
                                 Category.of(workspace).where(Category.parent == category).exists()):
        raise KnowledgeError("A category with sub-categories stays at the top level.")
    return parent


def save_category(workspace, actor, category, *, name, description, position, parent_id, now):
    """Create (`category` None) or change a category; sub-categories go one level deep only."""
    require_editor(actor)
    name = " ".join(clean_text(name).split())
    if not name:
        raise KnowledgeError("Give the category a name.")
    with db.database.atomic():
        parent = _parent_of(workspace, parent_id, category)
        category = category or Category(workspace=workspace, created_at=now)
        old_parent_id = category.parent_id
        category.name, category.slug, category.description = name, slug_of(name), clean_text(description).strip()
        category.position, category.parent, category.updated_at = position or 0, parent, now
        category.save()
        _recount(workspace, {category.id, old_parent_id})
        touch(workspace, now)
    return category


def delete_category(workspace, actor, category, *, now):
    """Delete an empty category; one that still holds articles or sub-categories is refused."""
    require_editor(actor)
    if Category.of(workspace).where(Category.parent == category).exists():
        raise KnowledgeError("Move or delete its sub-categories first.")
    if Article.of(workspace).where(Article.category == category).exists():
        raise KnowledgeError("Move its articles to another category first.")
    with db.database.atomic():
        category.delete_instance()
        _recount(workspace, {category.parent_id})
        touch(workspace, now)
        audit.record("category_deleted", now=now, workspace=workspace, actor=actor.user, name=category.name)


def _recount(workspace, category_ids):
    """Store the published-article counts of these categories and of their parents."""
    ids = {i for i in category_ids if i}
    if not ids:
        return
    ids |= {p for (p,) in Category.of(workspace, Category.parent).where(Category.id.in_(ids)).tuples() if p}
    child = Category.alias()
    children = child.select(child.id).where(child.parent == Category.id)
    published = (Article.select(fn.COUNT(Article.id))
                 .where(Article.state == State.PUBLISHED,
                        (Article.category == Category.id) | Article.category.in_(children)))
    Category.update(article_count=published).where(Category.id.in_(ids)).execute()


# --- articles -----------------------------------------------------------------------------------------

def get_article(workspace, article_id):
    article = Article.of(workspace).where(Article.id == article_id).first()
    if article is None:
        raise LookupError(article_id)
    return article


def _check(workspace, title, state, category_id):
    title = " ".join(clean_text(title).split())
    if not title:
        raise KnowledgeError("Give the article a title.")
    if state not in State.ALL:
        raise KnowledgeError("Choose draft, published or internal.")
    if category_id:
        get_category(workspace, category_id)
    return title


def save_article(workspace, actor, article, *, title, summary, body, state, category_id, now, base_version=None):
    """Create (`article` None) or save an article, keeping a revision of what it became.

    Saving an existing article needs the `base_version` the editor started from: when someone else
    saved since, nothing is written and `EditConflict` carries their version.
    """
    require_editor(actor)
    title = _check(workspace, title, state, category_id)
    html, text, headings = render_markdown(body)
    values = {"title": title, "slug": slug_of(title), "summary": " ".join(clean_text(summary).split())[:300],
              "body": clean_text(body), "body_html": html, "body_text": text, "toc": json.dumps(headings),
              "state": state, "category": category_id or None, "updated_by": actor.user, "updated_at": now}
    with db.database.atomic():
        if article is None:
            article = Article.create(workspace=workspace, author=actor.user, created_at=now, version=1, **values)
            old_category_id = None
        else:
            old_category_id = article.category_id
            written = (Article.update(version=Article.version + 1, **values)
                       .where(Article.id == article.id, Article.version == base_version).execute())
            if not written:
                raise EditConflict(get_article(workspace, article.id), revision(article, base_version))
            article = get_article(workspace, article.id)
        ArticleRevision.create(workspace=workspace, article=article, version=article.version, title=title,
                               summary=values["summary"], body=values["body"], state=state,
                               category_id_at=article.category_id, author=actor.user, created_at=now)
        _recount(workspace, {old_category_id, article.category_id})
        touch(workspace, now)
    return article


def delete_article(workspace, actor, article, *, now):
    require_editor(actor)
    with db.database.atomic():
        article.delete_instance()
        _recount(workspace, {article.category_id})
        touch(workspace, now)
        audit.record("article_deleted", now=now, workspace=workspace, actor=actor.user, title=article.title)


def revisions(article):
    """Every saved version of an article, newest first, with their authors."""
    return list(ArticleRevision.select().where(ArticleRevision.article == article)
                .order_by(ArticleRevision.version.desc()))


def revision(article, version):
    """One saved version of `article` (None when there is no such version)."""
    return (ArticleRevision.select().where(ArticleRevision.article == article, ArticleRevision.version == version)
            .first())


def _lines(title, summary, body):
    return [f"# {title}", summary, "", *body.splitlines()]


def diff_lines(old, new):
    """A difflib unified diff of two versions (anything with title, summary, body), as (kind, line) pairs."""
    old_lines = _lines(old.title, old.summary, old.body) if old else []
    changes = difflib.unified_diff(old_lines, _lines(new.title, new.summary, new.body), lineterm="", n=2)
    kinds = {"+": "added", "-": "removed", "@": "position"}
    return [(kinds.get(line[:1], "same"), line) for line in list(changes)[2:]]


def restore_revision(workspace, actor, article, version, *, now):
    """Save an earlier version again, as a new revision (history is never rewritten)."""
    old = revision(article, version)
    if old is None:
        raise LookupError(version)
    category_id = old.category_id_at
    if category_id and not Category.of(workspace).where(Category.id == category_id).exists():
        category_id = article.category_id
    return save_article(workspace, actor, article, title=old.title, summary=old.summary, body=old.body,
                        state=old.state, category_id=category_id, now=now, base_version=article.version)


# --- what visitors see ---------------------------------------------------------------------------------

LISTED_FIELDS = (Article.id, Article.workspace, Article.category, Article.title, Article.slug, Article.summary,
           Article.state, Article.updated_at, Article.helpful_yes)


def public_categories(workspace):
    """Top-level categories in display order, with `.article_count` (published, sub-categories included)."""
    return list(Category.of(workspace).where(Category.parent.is_null())
                .order_by(Category.position, Category.name, Category.id))


def popular_articles(workspace, limit=5):
    """Published articles found helpful most often, then the newest."""
    return list(Article.of(workspace, *LISTED_FIELDS).where(Article.state == State.PUBLISHED)
                .order_by(Article.helpful_yes.desc(), Article.updated_at.desc()).limit(limit))


def recent_articles(workspace, limit=5):
    """Published articles, most recently updated first."""
    return list(Article.of(workspace, *LISTED_FIELDS).where(Article.state == State.PUBLISHED)
                .order_by(Article.updated_at.desc()).limit(limit))


def search_published(workspace, query, limit=5):
    """Published articles matching `query`, best first; [] for a blank query."""
    return [hit.article for hit in search.search_articles(workspace.id, query, [State.PUBLISHED], limit=limit)]


def record_vote(workspace, article, visitor, helpful, *, now):
    """A visitor's "Was this helpful?": one vote per visitor and article; answering again changes it."""
    if not article.is_public:
        raise LookupError(article.id)
    helpful = bool(helpful)
    up, down = (Article.helpful_yes, Article.helpful_no) if helpful else (Article.helpful_no, Article.helpful_yes)
    with db.database.atomic():
        vote = ArticleVote.select().where(ArticleVote.article == article, ArticleVote.visitor == visitor).first()
        if vote is None:
            try:
                with db.database.atomic():
                    ArticleVote.create(workspace=workspace, article=article, visitor=visitor, helpful=helpful,
                                       created_at=now)
            except IntegrityError:  # the same visitor's other request won: theirs counts
                return False
            change = {up: up + 1}
        elif vote.helpful != helpful:
            ArticleVote.update(helpful=helpful).where(ArticleVote.id == vote.id).execute()
            change = {up: up + 1, down: down - 1}
        else:
            return False
        Article.update(change).where(Article.id == article.id).execute()
    return True


def record_failed_search(workspace, query, *, now):
    """Count a search that found nothing, per month (agents see the month's top ones)."""
    query = " ".join(clean_text(query).lower().split())[:FAILED_QUERY_LENGTH]
    if not query:
        return
    month = now.strftime("%Y-%m")
    _update_or_create(FailedSearch.update(count=FailedSearch.count + 1, last_at=now)
                      .where(FailedSearch.workspace == workspace, FailedSearch.month == month,
                             FailedSearch.query == query),
                      lambda: FailedSearch.create(workspace=workspace, month=month, query=query, last_at=now,
                                                  created_at=now))


def top_failed_searches(workspace, *, now, limit=20):
    """This month's searches that found nothing, most frequent first."""
    return list(FailedSearch.of(workspace).where(FailedSearch.month == now.strftime("%Y-%m"))
                .order_by(FailedSearch.count.desc(), FailedSearch.last_at.desc()).limit(limit))
