"""The public board under /h/<slug>/suggestions/: lists, roadmap, a suggestion's page, posting, votes, comments.

Nested under the help center's blueprint (`help_center_pages.py`): its scope already answered 404 for an
unknown, offline (R19) or switched-off help center, refuses every post when read-only (R13) and set
`g.end_user`. Reading needs nothing; writing needs a signed-in end user (their email was confirmed by
the sign-in link that made the account).
"""
from functools import wraps

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.render import render
from helpdesk.extensions import limiter
from helpdesk.helpcenter import contact as spam
from helpdesk.suggestions import board_bp as bp
from helpdesk.suggestions import pages, services
from helpdesk.suggestions.forms import CommentEditForm, CommentForm, ReportForm, SuggestionForm
from helpdesk.suggestions.models import SuggestionComment, SuggestionStatus


def _account_key(prefix):
    """A rate-limit key per signed-in end user (the IP limit covers the rest)."""
    return lambda: f"{prefix}{g.end_user.id if g.get('end_user') else 'anonymous'}"


def end_user_only(view):
    """Writing on the board: a visitor is sent to sign in first."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if g.end_user is None:
            if request.method == "POST" and request.headers.get("HX-Request"):
                return _("Sign in to take part."), 401
            flash(_("Sign in to post, vote or comment: we email you a link."))
            return redirect(url_for("helpcenter.sign_in"))
        return view(*args, **kwargs)
    return guarded


def _found(suggestion_id):
    found = pages.suggestion_of(g.workspace, suggestion_id, g.end_user)
    if found is None:
        abort(404)
    return found


@bp.get("/")
def board():
    order = request.args.get("sort", "top")
    filters = {"status": request.args.get("status") or None, "tag_id": request.args.get("tag", type=int),
               "mine": bool(request.args.get("mine")), "voted": bool(request.args.get("voted"))}
    rows, voted, more = pages.board_page(g.workspace, g.end_user, order=order,
                                         after=pages.parse_cursor(request.args.get("after")), **filters)
    return render("suggestions/board.html", "suggestions/_list.html", suggestions=rows, voted=voted, more=more,
                  order=order if order in pages.ORDERS else "top", filters=filters,
                  tags=services.tags_of(g.workspace), statuses=SuggestionStatus.LABELS)


@bp.get("/roadmap")
def roadmap():
    return render_template("suggestions/roadmap.html", columns=pages.roadmap(g.workspace, now=utcnow()),
                           statuses=SuggestionStatus.LABELS)


@bp.get("/<int:suggestion_id>-<slug>")
@bp.get("/<int:suggestion_id>", defaults={"slug": None})
def suggestion(suggestion_id, slug):
    found = _found(suggestion_id)
    if found.merged_into_id:  # merged into another: that one's page
        return redirect(url_for("helpcenter.board.suggestion", suggestion_id=found.merged_into_id), 301)
    if slug != found.slug:
        return redirect(url_for("helpcenter.board.suggestion", suggestion_id=found.id, slug=found.slug), 301)
    return _suggestion_page(found, CommentForm())


def _suggestion_page(found, form, refusal=None, status=200):
    form.shown.data = spam.form_stamp(g.workspace)
    # ?reply_to=<id> or ?report=<id>: that comment's "Reply" or "Report" link, whose form shows under it.
    return render_template("suggestions/suggestion.html", suggestion=found, form=form, refusal=refusal,
                           reply_to=request.args.get("reply_to", type=int), report_of=request.args.get("report", type=int),
                           threads=pages.comment_threads(found, g.end_user),
                           voted=found.id in pages.voted_ids(g.end_user, [found]), now=utcnow(),
                           may_edit=services.may_edit, statuses=SuggestionStatus.LABELS), status


def _refused_post(_limit):
    return make_response(*_new_page(_with_tags(SuggestionForm()), _("You posted a lot in a short time: please wait an hour. "
                                                        "What you wrote is still here."), 429))


def _with_tags(form):
    form.tag.choices = [(0, _("No tag"))] + [(tag.id, tag.name) for tag in services.tags_of(g.workspace)]
    return form


def _new_page(form, refusal=None, status=200):
    form.shown.data = spam.form_stamp(g.workspace)
    return render_template("suggestions/new.html", form=form, refusal=refusal,
                           similar=pages.similar(g.workspace, form.title.data)), status


@bp.route("/new", methods=["GET", "POST"])
@end_user_only
@limiter.limit("10 per hour", methods=["POST"], on_breach=_refused_post)
@limiter.limit("5 per hour", methods=["POST"], key_func=_account_key("board-post:"), on_breach=_refused_post)
def new():
    form = _with_tags(SuggestionForm())
    if not form.validate_on_submit():
        return _new_page(form, status=422 if form.errors else 200)
    refusal = spam.spam_refusal(g.workspace, honeypot=form.website.data, stamp=form.shown.data,
                                texts=(form.title.data, form.description.data))
    if refusal:
        return _new_page(form, refusal, 422)
    try:
        posted = services.post_suggestion(g.workspace, g.end_user, title=form.title.data,
                                          description=form.description.data, tag_id=form.tag.data or None,
                                          now=utcnow())
    except services.BoardError as error:
        return _new_page(form, str(error), 422)
    if posted.held_for_review:
        flash(_("Thank you: your suggestion waits for the team's review before others see it."))
    return redirect(url_for("helpcenter.board.suggestion", suggestion_id=posted.id, slug=posted.slug))


@bp.get("/similar")
def similar():
    """Suggestions like the title being typed (htmx), each with "vote for this instead"."""
    return render_template("suggestions/_similar.html", similar=pages.similar(g.workspace, request.args.get("title")))


@bp.post("/<int:suggestion_id>/vote")
@end_user_only
@limiter.limit("120 per hour")
@limiter.limit("60 per hour", key_func=_account_key("board-vote:"))
def vote(suggestion_id):
    found = _found(suggestion_id)
    if found.merged_into_id:
        abort(404)
    voted, count = services.toggle_vote(g.workspace, found, g.end_user, now=utcnow())
    found.vote_count = count
    if request.headers.get("HX-Request"):
        return render_template("suggestions/_vote.html", suggestion=found, voted=voted)
    return redirect(url_for("helpcenter.board.suggestion", suggestion_id=found.id, slug=found.slug))


def _refused_comment(_limit):
    found = _found(request.view_args["suggestion_id"])
    return make_response(*_suggestion_page(found, CommentForm(), _("You commented a lot in a short time: please "
                                                                   "wait an hour. What you wrote is still here."), 429))


@bp.post("/<int:suggestion_id>/comments")
@end_user_only
@limiter.limit("30 per hour", on_breach=_refused_comment)
@limiter.limit("20 per hour", key_func=_account_key("board-comment:"), on_breach=_refused_comment)
def comment(suggestion_id):
    found = _found(suggestion_id)
    form = CommentForm()
    if found.merged_into_id:
        abort(404)
    if not form.validate_on_submit():
        return _suggestion_page(found, form, status=422)
    refusal = spam.spam_refusal(g.workspace, honeypot=form.website.data, stamp=form.shown.data, texts=(form.body.data,))
    if refusal:
        return _suggestion_page(found, form, refusal, 422)
    try:
        added = services.add_comment(g.workspace, found, g.end_user, body=form.body.data,
                                     parent_id=int(form.parent.data) if (form.parent.data or "").isdigit() else None,
                                     now=utcnow())
    except services.BoardError as error:
        return _suggestion_page(found, form, str(error), 422)
    if added.held_for_review:
        flash(_("Thank you: your comment waits for the team's review before others see it."))
    return redirect(url_for("helpcenter.board.suggestion", suggestion_id=found.id, slug=found.slug)
                    + f"#comment-{added.id}")


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@end_user_only
def edit_comment(comment_id):
    written = SuggestionComment.of(g.workspace).where(SuggestionComment.id == comment_id).first()
    if written is None or written.author_id != g.end_user.id:
        abort(404)
    form = CommentEditForm(body=written.body)
    refusal = None
    if form.validate_on_submit():
        try:
            services.edit_comment(g.workspace, comment_id, g.end_user, body=form.body.data, now=utcnow())
        except services.BoardError as error:
            refusal = str(error)
        else:
            return redirect(url_for("helpcenter.board.suggestion", suggestion_id=written.suggestion_id)
                            + f"#comment-{comment_id}")
    return render_template("suggestions/edit_comment.html", form=form, comment=written, refusal=refusal), \
        422 if refusal or form.errors else 200


@bp.post("/<int:suggestion_id>/report")
@end_user_only
@limiter.limit("30 per hour")
def report(suggestion_id):
    found = _found(suggestion_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report(g.workspace, g.end_user, found, now=utcnow(), reason=form.reason.data,
                            comment_id=int(form.comment.data) if (form.comment.data or "").isdigit() else None)
        except services.BoardError as error:
            flash(str(error), "error")
        else:
            flash(_("Thank you: the team will look at it."))
    return redirect(url_for("helpcenter.board.suggestion", suggestion_id=found.id, slug=found.slug))
