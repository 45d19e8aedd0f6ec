"""The header's notifications menu, the full list, marking read, `@` suggestions and email preferences."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.render import render
from helpdesk.mail.signatures import save_signature, signature_of
from helpdesk.notifications import bp, services
from helpdesk.notifications.forms import PreferenceForm


@bp.route("/menu")
def menu():
    """The header menu (htmx loads it after the page, so no page pays its queries): unread count, newest items."""
    return render_template("notifications/_menu.html", unread=services.unread_count(g.workspace, current_user.id),
                           items=services.recent(g.workspace, current_user.id), cap=services.UNREAD_COUNT_CAP)


@bp.route("/")
def index():
    before = request.args.get("before", type=int)
    items = services.recent(g.workspace, current_user.id, limit=50, before=before)
    return render("notifications/index.html", "notifications/_list.html", items=items,
                  unread=services.unread_count(g.workspace, current_user.id), cap=services.UNREAD_COUNT_CAP,
                  next_before=items[-1].id if len(items) == 50 else None)


@bp.route("/read", methods=["POST"])
@bp.route("/<int:notification_id>/read", methods=["POST"])
def mark_read(notification_id=None):
    """Mark one (then open its ticket, when asked) or all notifications read."""
    try:
        services.mark_read(g.workspace, current_user.id, now=utcnow(), notification_id=notification_id)
    except LookupError:
        abort(404)
    number = request.form.get("open", type=int)
    if number:
        return redirect(url_for("workspace.tickets.ticket_view", number=number))
    if notification_id is None:
        flash(_("All notifications marked read."), "success")
    return redirect(url_for("workspace.notifications.index"))


@bp.route("/members")
def members():
    """The `@` menu of a note: members whose name starts with what follows the @."""
    return render_template("notifications/_members.html", members=services.suggest_members(g.workspace,
                                                                                          request.args.get("q")))


@bp.route("/preferences", methods=["GET", "POST"])
def preferences():
    """Which notifications also come by email (per person), and the person's signature in this workspace."""
    saved = services.preference_of(current_user.id)
    form = PreferenceForm(obj=saved, signature=signature_of(g.workspace, user=current_user.id))
    if form.validate_on_submit():
        services.save_preference(current_user.id, email_mentions=form.email_mentions.data,
                                 email_assignments=form.email_assignments.data,
                                 email_customer_replies=form.email_customer_replies.data, now=utcnow())
        save_signature(g.workspace, form.signature.data, user=current_user.id)
        flash(_("Preferences saved."), "success")
        return redirect(url_for("workspace.notifications.preferences"))
    return render_template("notifications/preferences.html", form=form), 422 if form.errors else 200
