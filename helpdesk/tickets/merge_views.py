"""Merge a ticket into another of the same customer, split a message off: each asks first."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.tickets import bp, merging
from helpdesk.tickets.forms import SplitForm
from helpdesk.tickets.models import Message, Status, Ticket
from helpdesk.tickets.services import TicketError
from helpdesk.tickets.views import get_ticket
from helpdesk.workspaces.forms import ConfirmForm


@bp.route("/<int:number>/merge", methods=["GET", "POST"])
def merge(number):
    """Choose the ticket to merge into (GET), see what moves and confirm (POST), merge (POST confirm=yes)."""
    source = get_ticket(number)
    form = ConfirmForm()
    target, error = None, None
    if form.validate_on_submit():
        into = request.form.get("into", type=int)
        target = Ticket.of(g.workspace).where(Ticket.number == into).first() if into else None
        try:
            merging.check_merge(source, target)
        except TicketError as refused:
            error, target = str(refused), None
        else:
            if request.form.get("confirm") == "yes":
                merging.merge_tickets(g.workspace, current_user._get_current_object(), source, target, now=utcnow())
                flash(_("#%(merged)d was merged into this ticket.", merged=source.number), "success")
                return redirect(url_for("workspace.tickets.ticket_view", number=target.number))
    return render_template("tickets/merge.html", ticket=source, target=target, error=error, form=form,
                           candidates=merging.merge_candidates(g.workspace, source), status_labels=Status.LABELS), 422 if error else 200


@bp.route("/<int:number>/messages/<int:message_id>/split", methods=["GET", "POST"])
def split(number, message_id):
    """Confirm (with a subject for the new ticket), then move the message into a new ticket."""
    ticket = get_ticket(number)
    message = Message.of(g.workspace).where(Message.id == message_id, Message.ticket == ticket).first()
    if message is None:
        abort(404)
    form = SplitForm(subject=ticket.subject)
    error = None
    if form.validate_on_submit():
        try:
            new = merging.split_message(g.workspace, current_user._get_current_object(), ticket, message,
                                        form.subject.data, now=utcnow())
        except TicketError as refused:
            error = str(refused)
        else:
            flash(_("The message is now ticket #%(number)d.", number=new.number), "success")
            return redirect(url_for("workspace.tickets.ticket_view", number=new.number))
    else:
        try:
            merging.check_split(ticket, message)
        except TicketError as refused:
            error = str(refused)
    status = 422 if error or form.errors else 200
    return render_template("tickets/split.html", ticket=ticket, message=message, form=form, error=error), status
