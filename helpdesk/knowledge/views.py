"""Agents' knowledge-base pages under /w/<slug>/knowledge/: list, categories, editor, preview, history, images."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.render import render
from helpdesk.knowledge import bp, found_or_404, images
from helpdesk.knowledge import services as kb
from helpdesk.knowledge.agent_list import PAGE_SIZE, agent_articles
from helpdesk.knowledge.forms import ArticleForm, CategoryForm, ImageForm
from helpdesk.knowledge.markup import render_markdown
from helpdesk.knowledge.models import State


def _editor():
    if not g.membership.can_edit_knowledge:
        abort(403)
    return g.membership


def _category_choices(tree, top_only=False, none_label=None):
    choices = [("", none_label or _("No category"))]
    for top in tree:
        choices.append((str(top.id), top.name))
        if not top_only:
            choices += [(str(sub.id), f"{top.name} › {sub.name}") for sub in top.subcategories]
    return choices


@bp.route("/")
def index():
    query, state = request.args.get("q", ""), request.args.get("state", "")
    page = agent_articles(g.workspace, query=query, state=state, before=request.args.get("before"),
                          after=request.args.get("after"))
    return render("knowledge/index.html", "knowledge/_articles.html", query=query, state=state, states=State,
                  page=page, articles=page.articles, page_size=PAGE_SIZE,
                  tree=kb.category_tree(g.workspace), failed=kb.top_failed_searches(g.workspace, now=utcnow(), limit=10))


@bp.route("/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
def edit_category(category_id):
    actor = _editor()
    category = found_or_404(kb.get_category, category_id) if category_id else None
    form = CategoryForm(obj=category, parent_id=str(category.parent_id or "") if category else "")
    form.parent_id.choices = _category_choices([c for c in kb.category_tree(g.workspace)
                                                if not category or c.id != category.id],
                                               top_only=True, none_label=_("Top level"))
    if form.validate_on_submit():
        try:
            kb.save_category(g.workspace, actor, category, name=form.name.data, description=form.description.data or "",
                             position=form.position.data or 0, parent_id=form.parent_id.data or None, now=utcnow())
        except kb.KnowledgeError as error:
            form.parent_id.errors.append(str(error))
        else:
            flash(_("Category saved."), "success")
            return redirect(url_for("workspace.knowledge.index"))
    return render_template("knowledge/category_edit.html", form=form, category=category), 422 if form.errors else 200


@bp.route("/categories/<int:category_id>/delete", methods=["POST"])
def delete_category(category_id):
    actor = _editor()
    category = found_or_404(kb.get_category, category_id)
    try:
        kb.delete_category(g.workspace, actor, category, now=utcnow())
        flash(_("Category %(name)s deleted.", name=category.name), "success")
    except kb.KnowledgeError as error:
        flash(str(error), "error")
    return redirect(url_for("workspace.knowledge.index"))


def _article_form(article=None, **data):
    form = ArticleForm(obj=article, **data)
    form.category_id.choices = _category_choices(kb.category_tree(g.workspace))
    if request.method == "GET" and article:
        form.category_id.data, form.base_version.data = str(article.category_id or ""), str(article.version)
    return form


@bp.route("/articles/new", methods=["GET", "POST"], defaults={"article_id": None})
@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
def edit_article(article_id):
    """The editor; a save over someone else's newer version is refused (409), keeping what was typed."""
    actor = _editor()
    article = found_or_404(kb.get_article, article_id) if article_id else None
    form, conflict = _article_form(article), None
    if form.validate_on_submit():
        try:
            saved = kb.save_article(g.workspace, actor, article, title=form.title.data, summary=form.summary.data or "",
                                    body=form.body.data or "", state=form.state.data,
                                    category_id=form.category_id.data or None, now=utcnow(),
                                    base_version=int(form.base_version.data or 0))
        except kb.EditConflict as refused:
            conflict = refused
            form.base_version.data = str(refused.current.version)  # saving again now is a deliberate choice
        except kb.KnowledgeError as error:
            form.category_id.errors.append(str(error))
        else:
            flash(_("Article saved (version %(version)d).", version=saved.version), "success")
            return redirect(url_for("workspace.knowledge.edit_article", article_id=saved.id))
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("knowledge/article_edit.html", form=form, article=article, conflict=conflict,
                           changes=kb.diff_lines(conflict.base, conflict.current) if conflict else None,
                           preview=Markup(render_markdown(form.body.data or "")[0]), image_form=ImageForm(),
                           states=State), status


@bp.route("/preview", methods=["POST"])
def preview():
    """The editor's live preview (htmx): the Markdown as visitors will see it."""
    _editor()
    return render_template("knowledge/_preview.html", preview=Markup(render_markdown(request.form.get("body", ""))[0]))


@bp.route("/articles/<int:article_id>/delete", methods=["POST"])
def delete_article(article_id):
    actor = _editor()
    article = found_or_404(kb.get_article, article_id)
    kb.delete_article(g.workspace, actor, article, now=utcnow())
    flash(_("Article “%(title)s” deleted.", title=article.title), "success")
    return redirect(url_for("workspace.knowledge.index"))


@bp.route("/articles/<int:article_id>")
def read_article(article_id):
    """An article as agents read it, whatever its state (internal ones are for them)."""
    return render_template("knowledge/article.html", article=found_or_404(kb.get_article, article_id), states=State)


@bp.route("/articles/<int:article_id>/history")
def history(article_id):
    """Every revision; `?version=N` shows what that save changed (a difflib diff against the one before)."""
    article = found_or_404(kb.get_article, article_id)
    revisions = kb.revisions(article)
    version = request.args.get("version", type=int) or article.version
    shown = next((r for r in revisions if r.version == version), None)
    if shown is None:
        abort(404)
    before = next((r for r in revisions if r.version < version), None)
    return render_template("knowledge/history.html", article=article, revisions=revisions, shown=shown,
                           before=before, changes=kb.diff_lines(before, shown))


@bp.route("/articles/<int:article_id>/restore/<int:version>", methods=["POST"])
def restore(article_id, version):
    actor = _editor()
    article = found_or_404(kb.get_article, article_id)
    try:
        saved = kb.restore_revision(g.workspace, actor, article, version, now=utcnow())
    except LookupError:
        abort(404)
    except kb.EditConflict:
        flash(_("Someone saved this article a moment ago; look at the history again before restoring."), "error")
        return redirect(url_for("workspace.knowledge.history", article_id=article.id))
    flash(_("Version %(old)d restored as version %(new)d.", old=version, new=saved.version), "success")
    return redirect(url_for("workspace.knowledge.history", article_id=article.id))


@bp.route("/images", methods=["POST"])
def upload_image():
    """Store an image; answers the Markdown line that shows it (the editor inserts it at the cursor)."""
    actor = _editor()
    form = ImageForm()
    image, error = None, None
    if form.validate_on_submit():
        file = form.image.data
        try:
            image = images.upload_image(g.workspace, actor, file.filename, file.read(), now=utcnow())
        except kb.KnowledgeError as refused:
            error = str(refused)
    else:
        error = next(iter(form.image.errors), _("Choose an image first."))
    return render("knowledge/image_page.html", "knowledge/_image.html", status=422 if error else 200, image=image,
                  error=error)


@bp.route("/link-search")
def link_search():
    """Published articles for the ticket page's "Insert article link" (htmx partial, or a page)."""
    query = request.args.get("q", "")
    from helpdesk.helpcenter.domains import public_url_of  # here: the help center builds on the knowledge base

    articles = kb.search_published(g.workspace, query, limit=8) if query.strip() else kb.recent_articles(g.workspace, 8)
    for article in articles:  # the link a customer gets: on the help center's custom domain once verified
        article.public_url = public_url_of(g.workspace, "helpcenter.kb.article", article_id=article.id, slug=article.slug)
    return render("knowledge/link_search.html", "knowledge/_link_results.html", articles=articles, query=query)
