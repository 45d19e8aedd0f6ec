"""The operator's read-only look into a workspace whose owner turned support access on (R35).
Nothing here writes but the audit rows of each visit."""
from flask import abort, g, render_template

from helpdesk.core.clock import utcnow
from helpdesk.customers.models import Customer
from helpdesk.operator import bp, support
from helpdesk.operator.overview import find_workspace
from helpdesk.tickets.models import Message, Ticket

TICKETS_SHOWN = 50


def _visit(workspace_id, page):
    """The workspace and its grant, the visit audited; 403 without support access."""
    workspace = find_workspace(workspace_id)
    if workspace is None:
        abort(404)
    try:
        grant = support.open_for_support(workspace, g.operator, page, now=utcnow())
    except support.SupportAccessError:
        abort(403)
    return workspace, grant


@bp.route("/workspaces/<int:workspace_id>/support/")
def support_tickets(workspace_id):
    workspace, grant = _visit(workspace_id, "tickets")
    tickets = list(Ticket.of(workspace, Ticket, Customer).join(Customer)
                   .order_by(Ticket.number.desc()).limit(TICKETS_SHOWN))
    return render_template("operator/support_tickets.html", workspace=workspace, grant=grant, tickets=tickets)


@bp.route("/workspaces/<int:workspace_id>/support/tickets/<int:number>")
def support_ticket(workspace_id, number):
    workspace, grant = _visit(workspace_id, f"ticket {number}")
    ticket = Ticket.of(workspace).where(Ticket.number == number).first()
    if ticket is None:
        abort(404)
    messages = list(Message.of(workspace).where(Message.ticket == ticket).order_by(Message.id))
    return render_template("operator/support_ticket.html", workspace=workspace, grant=grant, ticket=ticket,
                           messages=messages)
