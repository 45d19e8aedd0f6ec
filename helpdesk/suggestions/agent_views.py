"""The agents' suggestions under /w/<slug>/suggestions/: the list, a suggestion's moderation, a ticket's links."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.suggestions import moderation, pages, review, services, tickets_link
from helpdesk.suggestions.agent_forms import EditForm, LinkTicketForm, MergeForm, StatusForm, SuggestionFromTicketForm
from helpdesk.suggestions.models import SuggestionStatus
from helpdesk.tickets.models import Ticket

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")


def _suggestion(suggestion_id):
    try:
        return moderation.get_suggestion(g.workspace, suggestion_id)
    except LookupError:
        abort(404)


def _ticket(number):
    return Ticket.of(g.workspace).where(Ticket.number == number).first() or abort(404)


@bp.get("/")
def index():
    order = request.args.get("sort", "new")
    filters = {"status": request.args.get("status") or None, "tag_id": request.args.get("tag", type=int),
               "linked": bool(request.args.get("linked")), "reported": bool(request.args.get("reported"))}
    if filters["status"] and filters["status"] not in SuggestionStatus.ALL:
        abort(404)
    rows, more = pages.agent_page(g.workspace, order=order, after=pages.parse_cursor(request.args.get("after")),
                                  **filters)
    return render_template("suggestions/agents/index.html", suggestions=rows, more=more, filters=filters,
                           order=order if order in pages.ORDERS else "new", tags=services.tags_of(g.workspace),
                           labels=SuggestionStatus.LABELS, filtered=any(filters.values()))


@bp.route("/<int:suggestion_id>", methods=["GET", "POST"])
def show(suggestion_id):
    """The suggestion with its linked tickets; POST changes the status and the official reply."""
    suggestion = _suggestion(suggestion_id)
    form = StatusForm(obj=suggestion)
    if form.validate_on_submit():
        try:
            changed = moderation.change_status(g.workspace, current_user._get_current_object(), suggestion,
                                               form.status.data, form.official_reply.data, now=utcnow())
        except moderation.ModerationError as error:
            form.status.errors.append(str(error))
        else:
            flash(_("Saved; followers are emailed.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("workspace.suggestions.show", suggestion_id=suggestion.id))
    return _show(suggestion, form=form)


def _show(suggestion, form=None, merge_form=None, edit_form=None):
    form = form or StatusForm(obj=suggestion)
    merge_form = merge_form or MergeForm()
    edit_form = edit_form or EditForm(obj=suggestion, formdata=None)
    status = 422 if form.errors or merge_form.errors or edit_form.errors else 200
    return render_template("suggestions/agents/show.html", suggestion=suggestion, form=form, merge_form=merge_form,
                           edit_form=edit_form, tickets=tickets_link.linked_tickets(suggestion),
                           threads=pages.comment_threads(suggestion, None, everything=True),
                           labels=SuggestionStatus.LABELS), status


@bp.post("/<int:suggestion_id>/edit")
def edit(suggestion_id):
    """The title and the description, as the public board shows them."""
    suggestion, form = _suggestion(suggestion_id), EditForm()
    if form.validate_on_submit():
        try:
            changed = moderation.edit_text(g.workspace, _actor(), suggestion, title=form.title.data,
                                           description=form.description.data, now=utcnow())
        except moderation.ModerationError as error:
            form.title.errors.append(str(error))
        else:
            flash(_("Saved: the public board shows the new text.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("workspace.suggestions.show", suggestion_id=suggestion.id))
    return _show(suggestion, edit_form=form)


@bp.post("/<int:suggestion_id>/merge")
def merge(suggestion_id):
    """Fold this suggestion (a duplicate) into the one whose number is given."""
    duplicate, form = _suggestion(suggestion_id), MergeForm()
    if form.validate_on_submit():
        target = _suggestion(form.target_id.data)
        try:
            moderation.merge(g.workspace, current_user._get_current_object(), duplicate, target, now=utcnow())
        except moderation.ModerationError as error:
            form.target_id.errors.append(str(error))
        else:
            flash(_("Merged into “%(title)s”: votes, comments and tickets moved.", title=target.title), "success")
            return redirect(url_for("workspace.suggestions.show", suggestion_id=target.id))
    return _show(duplicate, merge_form=form)


@bp.get("/tickets/<int:number>")
def ticket_panel(number):
    """The ticket page's suggestions (loaded by htmx, or a page of its own without script)."""
    ticket = _ticket(number)
    query = request.args.get("q", "")
    template = "suggestions/agents/_ticket_panel.html" if request.headers.get("HX-Request") else \
        "suggestions/agents/ticket.html"
    return render_template(template, ticket=ticket, query=query, found=tickets_link.search(g.workspace, query),
                           linked=tickets_link.suggestions_of_ticket(ticket), link_form=LinkTicketForm(),
                           new_form=SuggestionFromTicketForm(title=ticket.subject))


@bp.post("/tickets/<int:number>/link")
def link_ticket(number):
    ticket, form = _ticket(number), LinkTicketForm()
    if not form.validate_on_submit():
        abort(400)
    suggestion = _suggestion(form.suggestion_id.data)
    tickets_link.link_ticket(g.workspace, current_user._get_current_object(), ticket, suggestion, now=utcnow())
    flash(_("Ticket linked to “%(title)s”; the customer was added as a voter.", title=suggestion.title), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number))


@bp.post("/tickets/<int:number>/new")
def create_from_ticket(number):
    ticket, form = _ticket(number), SuggestionFromTicketForm()
    if not form.validate_on_submit():
        flash(" ".join(form.title.errors) or _("Those values were not accepted."), "error")
        return redirect(url_for("workspace.suggestions.ticket_panel", number=number))
    suggestion = tickets_link.create_from_ticket(g.workspace, current_user._get_current_object(), ticket,
                                                 form.title.data, now=utcnow())
    flash(_("Suggestion “%(title)s” made from this ticket and linked.", title=suggestion.title), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number))


def _comment(comment_id):
    from helpdesk.suggestions.models import SuggestionComment

    return SuggestionComment.of(g.workspace).where(SuggestionComment.id == comment_id).first() or abort(404)


def _actor():
    return current_user._get_current_object()


@bp.post("/<int:suggestion_id>/hide")
def hide(suggestion_id):
    """Hide (with the reason its author reads) or show again; `hidden=0` shows it."""
    suggestion = _suggestion(suggestion_id)
    hidden = request.form.get("hidden") != "0"
    review.set_hidden(g.workspace, _actor(), suggestion, hidden, request.form.get("reason", ""), now=utcnow())
    flash(_("Hidden: only its author sees it, with your reason.") if hidden else _("Shown on the board again."),
          "success")
    return redirect(url_for("workspace.suggestions.show", suggestion_id=suggestion.id))


@bp.post("/<int:suggestion_id>/delete")
def delete(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    review.delete_suggestion(g.workspace, _actor(), suggestion, now=utcnow())
    flash(_("Suggestion “%(title)s” deleted with its votes and comments.", title=suggestion.title), "success")
    return redirect(url_for("workspace.suggestions.index"))


@bp.post("/comments/<int:comment_id>/<any(hide, show, delete, approve, reject):action>")
def comment_action(comment_id, action):
    comment, actor, now = _comment(comment_id), _actor(), utcnow()
    if action in ("hide", "show"):
        review.set_hidden(g.workspace, actor, comment, action == "hide", request.form.get("reason", ""), now=now)
    elif action == "approve":
        review.approve(g.workspace, actor, comment, now=now)
    else:
        review.delete_comment(g.workspace, actor, comment, now=now)
    flash(_("Comment updated."), "success")
    return redirect(request.referrer or url_for("workspace.suggestions.review_queue"))


@bp.route("/review", methods=["GET", "POST"])
def review_queue():
    """Posts and comments held for review; POST switches the workspace setting that holds first posts."""
    if request.method == "POST":
        if not g.membership.can_manage_members:
            abort(403)
        review.set_hold_first_posts(g.workspace, _actor(), request.form.get("hold") == "1", now=utcnow())
        flash(_("Setting saved."), "success")
        return redirect(url_for("workspace.suggestions.review_queue"))
    posts, comments = review.review_queue(g.workspace)
    return render_template("suggestions/agents/review.html", posts=posts, comments=comments,
                           hold=review.holds_first_posts(g.workspace))


@bp.post("/<int:suggestion_id>/<any(approve, reject):action>")
def review_post(suggestion_id, action):
    suggestion = _suggestion(suggestion_id)
    (review.approve if action == "approve" else review.reject)(g.workspace, _actor(), suggestion, now=utcnow())
    flash(_("Approved: it is on the board.") if action == "approve" else _("Rejected and deleted."), "success")
    return redirect(url_for("workspace.suggestions.review_queue"))
