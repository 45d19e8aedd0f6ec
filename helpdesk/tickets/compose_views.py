"""The reply box's helpers: its draft saved as the agent types, undo send, the `/` canned-reply menu, forward."""
from functools import partial

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.tickets import bp, sending
from helpdesk.tickets.drafts import DraftTooLong, StaleDraft, discard_draft, save_draft
from helpdesk.tickets.models import CannedReply
from helpdesk.tickets.forwarding import forward_ticket
from helpdesk.tickets.services import TicketError, fill_placeholders
from helpdesk.tickets.views import get_ticket

CANNED_MENU_SIZE = 8


@bp.route("/<int:number>/draft", methods=["POST"])
def draft(number):
    """htmx saves the reply box here (debounced); answers the small "Draft saved" status."""
    ticket = get_ticket(number)
    seen = request.form.get("last_reply_seen", type=int)
    status = partial(render_template, "tickets/_draft_status.html", ticket=ticket, last_reply_seen=seen)
    try:
        saved = save_draft(ticket, current_user.id, body=request.form.get("body", ""), cc=request.form.get("cc", ""),
                           bcc=request.form.get("bcc", ""), now=utcnow(), last_reply_seen=seen)
    except DraftTooLong:
        return status(too_long=True), 422
    except StaleDraft:
        return status(stale=True), 422
    return status(draft=saved)


@bp.route("/<int:number>/draft/discard", methods=["POST"])
def discard(number):
    ticket = get_ticket(number)
    if discard_draft(ticket, current_user.id):
        flash(_("Draft discarded."), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number))


@bp.route("/<int:number>/replies/<int:message_id>/undo", methods=["POST"])
def undo_send(number, message_id):
    """Take a held reply back: it is not sent, its text is in the reply box again."""
    ticket = get_ticket(number)
    try:
        sending.undo_send(ticket, current_user._get_current_object(), message_id, now=utcnow())
    except LookupError:
        abort(404)
    except sending.TooLate as error:
        flash(str(error), "error")
    else:
        flash(_("Not sent. Your reply is back in the reply box (attachments need adding again)."), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number) + "#reply-form")


@bp.route("/<int:number>/canned-menu")
def canned_menu(number):
    """The `/` menu of the reply box: canned replies whose title has the typed words, placeholders filled."""
    ticket = get_ticket(number)
    words = (request.args.get("q") or "").lower().split()[:5]
    items = []
    for canned in CannedReply.of(g.workspace).order_by(CannedReply.title):
        if all(word in canned.title.lower() for word in words):
            items.append((canned, fill_placeholders(canned.body, ticket, ticket.customer, current_user)))
            if len(items) == CANNED_MENU_SIZE:
                break
    return render_template("tickets/_canned_menu.html", items=items, query=request.args.get("q", ""))


@bp.route("/<int:number>/forward", methods=["POST"])
def forward(number):
    """Send the ticket's conversation to any address (a colleague elsewhere, a supplier)."""
    ticket = get_ticket(number)
    try:
        address = forward_ticket(g.workspace, ticket, current_user._get_current_object(), request.form.get("to", ""),
                                 request.form.get("note", ""), now=utcnow())
    except TicketError as error:
        flash(str(error), "error")
    else:
        flash(_("Ticket forwarded to %(address)s.", address=address), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number))
