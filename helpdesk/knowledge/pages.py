"""What the public knowledge pages read: a fixed, small number of queries each, whatever the data size."""
from peewee import JOIN

from helpdesk.knowledge.models import Article, Category, State
from helpdesk.knowledge.services import LISTED_FIELDS

RELATED_LIMIT = 5
CATEGORY_PAGE = 50


def category_page(workspace, category_id, *, after_title=None, after_id=None):
    """(category with `.parent_category`, its sub-categories, a page of its published articles A-Z, more?).

    Two queries; the articles are a keyset page of CATEGORY_PAGE after (`after_title`, `after_id`).
    """
    parent = Category.alias()
    rows = list(Category.of(workspace, Category, parent).join(parent, join_type=JOIN.LEFT_OUTER,
                                                              on=(Category.parent == parent.id), attr="parent_row")
                .where((Category.id == category_id) | (Category.parent == category_id))
                .order_by(Category.position, Category.name, Category.id))
    category = next((c for c in rows if c.id == category_id), None)
    if category is None:
        raise LookupError(category_id)
    category.parent_category = getattr(category, "parent_row", None) if category.parent_id else None
    query = (Article.of(workspace, Article.id, Article.title, Article.slug, Article.summary)
             .where(Article.category == category_id, Article.state == State.PUBLISHED))
    if after_title is not None and after_id is not None:
        query = query.where((Article.title > after_title) | ((Article.title == after_title) & (Article.id > after_id)))
    articles = list(query.order_by(Article.title, Article.id).limit(CATEGORY_PAGE + 1).namedtuples())
    return category, [c for c in rows if c.parent_id == category_id], articles[:CATEGORY_PAGE], \
        len(articles) > CATEGORY_PAGE


def public_article(workspace, article_id):
    """A published article with `.category_row` and `.parent_row` (None when absent): one query."""
    parent = Category.alias()
    article = (Article.of(workspace, Article, Category, parent)
               .join(Category, join_type=JOIN.LEFT_OUTER, on=(Article.category == Category.id), attr="category_row")
               .join(parent, join_type=JOIN.LEFT_OUTER, on=(Category.parent == parent.id), attr="parent_row")
               .where(Article.id == article_id, Article.state == State.PUBLISHED).first())
    if article is None:
        raise LookupError(article_id)
    category = getattr(article, "category_row", None)
    article.category_row = category if category and category.id else None
    parent_row = getattr(category, "parent_row", None) if article.category_row else None
    article.parent_row = parent_row if parent_row and parent_row.id else None
    return article


def related_articles(workspace, article, limit=RELATED_LIMIT):
    """Other published articles of the same category, the most helpful first (none without a category)."""
    if not article.category_id:
        return []
    return list(Article.of(workspace, *LISTED_FIELDS)
                .where(Article.category == article.category_id, Article.state == State.PUBLISHED,
                       Article.id != article.id)
                .order_by(Article.helpful_yes.desc(), Article.updated_at.desc()).limit(limit))


def sitemap_entries(workspace):
    """(categories, published articles) for sitemap.xml: ids, slugs and dates only."""
    categories = list(Category.of(workspace, Category.id, Category.updated_at).order_by(Category.id))
    articles = list(Article.of(workspace, Article.id, Article.slug, Article.updated_at)
                    .where(Article.state == State.PUBLISHED).order_by(Article.id))
    return categories, articles
