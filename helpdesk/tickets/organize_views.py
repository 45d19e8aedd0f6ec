"""Saved views, snooze and watching: the routes that organize the inbox. Thin: validate, call one service, redirect."""
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.extensions import htmx
from helpdesk.tickets import bp, saved_views, snooze, watchers
from helpdesk.tickets.filters import Filters
from helpdesk.tickets.forms import SavedViewForm, SnoozeForm
from helpdesk.tickets.services import TicketError
from helpdesk.tickets.views import get_ticket


def person_zone():
    """The time zone times are shown in for this person (Flask-Babel's), as a ZoneInfo."""
    return ZoneInfo(str(get_timezone() or "UTC"))


@bp.route("/views", methods=["POST"])
def save_view():
    form = SavedViewForm()
    filters = Filters.from_mapping(request.form)
    if not form.validate_on_submit():
        flash(form.name.errors[0] if form.name.errors else _("This form expired. Please send it again."), "error")
        return redirect(url_for("workspace.tickets.inbox_view", view="all", **filters.as_args()))
    try:
        view = saved_views.save_view(g.workspace, current_user.id, form.name.data, filters, shared=form.shared.data,
                                     now=utcnow())
    except TicketError as error:
        flash(str(error), "error")
        return redirect(url_for("workspace.tickets.inbox_view", view="all", **filters.as_args()))
    flash(_("View “%(name)s” saved.", name=view.name), "success")
    return redirect(url_for("workspace.tickets.inbox_view", saved=view.id))


@bp.route("/views/<int:view_id>/delete", methods=["POST"])
def delete_view(view_id):
    try:
        saved_views.delete_view(g.workspace, current_user.id, view_id)
    except LookupError:
        abort(404)
    flash(_("View deleted."), "success")
    return redirect(url_for("workspace.tickets.inbox_view"))


@bp.route("/<int:number>/snooze", methods=["POST"])
def snooze_ticket(number):
    ticket = get_ticket(number)
    form = SnoozeForm()
    now, zone = utcnow(), person_zone()
    if not form.validate_on_submit():
        flash(_("Those values were not accepted."), "error")
        return redirect(url_for("workspace.tickets.ticket_view", number=number))
    if form.preset.data == "custom":
        chosen = form.until.data
        until = chosen and chosen.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    else:
        until = snooze.presets(now, zone)[form.preset.data]
    try:
        snooze.snooze(ticket, current_user._get_current_object(), until, now=now)
    except TicketError as error:
        flash(str(error), "error")
        return redirect(url_for("workspace.tickets.ticket_view", number=number))
    flash(_("Ticket #%(number)d snoozed. It comes back to the inbox then, or when the customer writes.",
            number=number), "success")
    return redirect(url_for("workspace.tickets.inbox_view"))


@bp.route("/<int:number>/unsnooze", methods=["POST"])
def unsnooze_ticket(number):
    snooze.unsnooze(get_ticket(number), current_user._get_current_object(), now=utcnow())
    flash(_("Ticket #%(number)d is back in the inbox.", number=number), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number))


@bp.route("/<int:number>/watch", methods=["POST"])
def watch_ticket(number):
    """Watch (`watch=1`) or stop watching the ticket: the button in place (htmx), or back to the page."""
    ticket = get_ticket(number)
    watching = request.form.get("watch") == "1"
    if watching:
        watchers.watch(ticket, current_user.id, now=utcnow())
    else:
        watchers.unwatch(ticket, current_user.id)
    if htmx:
        return render_template("tickets/_watch.html", ticket=ticket, watching=watching, changed=True)
    flash(_("You are watching ticket #%(number)d: its customer's replies appear in your notifications.", number=number)
          if watching else _("You no longer watch ticket #%(number)d.", number=number), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number))
