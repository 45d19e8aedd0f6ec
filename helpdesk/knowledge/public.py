"""Public knowledge pages under /h/<slug>/: article, category, search, votes, images, sitemap.xml, robots.txt.

Every route here is nested under the help center's blueprint (`help_center_pages.py`), whose scope
already answered 404 for an unknown, offline or switched-off help center and refuses posts when read-only.
Only published articles are ever shown; an internal-only knowledge base answers 404.
"""
import hashlib
import secrets

from flask import Response, abort, g, redirect, render_template, request, url_for

from helpdesk.core import storage
from helpdesk.core.clock import utcnow
from helpdesk.core.render import render
from helpdesk.extensions import htmx
from helpdesk.knowledge import found_or_404, images, pages, public_bp as bp
from helpdesk.knowledge import search as kb_search
from helpdesk.knowledge import services as kb
from helpdesk.knowledge.caching import cached_page
from helpdesk.knowledge.models import State

SEARCH_LIMIT = 20
VISITOR_COOKIE = "kb_visitor"


@bp.before_request
def knowledge_must_be_public():
    if not g.knowledge_public and request.endpoint not in ("helpcenter.kb.image", "helpcenter.kb.robots"):
        abort(404)


@bp.get("/articles/<int:article_id>-<slug>")
@bp.get("/articles/<int:article_id>", defaults={"slug": None})
@cached_page
def article(article_id, slug):
    """An article; an old or missing slug (the article was renamed) redirects to the current URL (301)."""
    found = found_or_404(pages.public_article, article_id)
    if slug != found.slug:
        return redirect(url_for("helpcenter.kb.article", article_id=found.id, slug=found.slug), 301)
    return render_template("knowledge/public/article.html", article=found,
                           related=pages.related_articles(g.workspace, found))


@bp.get("/categories/<int:category_id>")
@cached_page
def category(category_id):
    found, subcategories, articles, more = found_or_404(
        pages.category_page, category_id, after_title=request.args.get("after_title"),
        after_id=request.args.get("after_id", type=int))
    return render_template("knowledge/public/category.html", category=found, subcategories=subcategories,
                           articles=articles, more=more)


@bp.get("/search")
@cached_page
def search():
    """Results as a page (the plain GET form) or, for htmx as the visitor types, the results alone."""
    query = request.args.get("q", "")[:200]
    hits = kb_search.search_articles(g.workspace.id, query, [State.PUBLISHED], limit=SEARCH_LIMIT)
    if query.strip() and not hits and not htmx:  # a sent search, not a keystroke
        kb.record_failed_search(g.workspace, query, now=utcnow())
    return render("knowledge/public/search.html", "knowledge/public/_results.html", query=query, hits=hits)


def _visitor_key():
    """(the visitor's vote key, a new cookie value or None): the end user when signed in, else a cookie."""
    if g.get("end_user") is not None:
        return f"user:{g.end_user.id}", None
    cookie = request.cookies.get(VISITOR_COOKIE, "")
    new = None if len(cookie) == 32 else secrets.token_hex(16)
    return hashlib.sha256((new or cookie).encode()).hexdigest(), new


@bp.route("/articles/<int:article_id>/vote", methods=["GET", "POST"])
def vote(article_id):
    """"Was this helpful?": the form (loaded by the article page, private) and the answer, once per visitor."""
    found = found_or_404(pages.public_article, article_id)
    voted = None
    if request.method == "POST":
        answer = request.form.get("helpful")
        if answer not in ("yes", "no"):
            abort(400)
        key, new_cookie = _visitor_key()
        kb.record_vote(g.workspace, found, key, answer == "yes", now=utcnow())
        voted = answer
    else:
        new_cookie = None
    response = Response(*render("knowledge/public/vote.html", "knowledge/public/_vote.html", article=found,
                                voted=voted))
    response.cache_control.no_store = True
    if new_cookie:
        response.set_cookie(VISITOR_COOKIE, new_cookie, max_age=365 * 86400, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


@bp.get("/images/<token>")
def image(token):
    found = found_or_404(images.find_image, token)
    response = Response(storage.read(found.storage_key), mimetype=found.content_type)
    response.cache_control.public, response.cache_control.max_age = True, 86400
    return response


@bp.get("/sitemap.xml")
@cached_page
def sitemap():
    categories, articles = pages.sitemap_entries(g.workspace)
    body = render_template("knowledge/public/sitemap.xml", categories=categories, articles=articles)
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    body = render_template("knowledge/public/robots.txt")
    response = Response(body, mimetype="text/plain")
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response
