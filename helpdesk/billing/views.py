"""The "Your plan" page (R5): read-only for now; paying comes with the next billing increment."""
from flask import abort, g

from helpdesk.billing import bp
from helpdesk.billing.status import plan_summary
from helpdesk.core.clock import utcnow
from helpdesk.core.render import render


@bp.get("/")
def your_plan():
    """The workspace's plan, state, dates, seats and invoices; only the owner sees it (R5)."""
    if not g.membership.is_owner:  # admins granted billing come with the billing permission
        abort(404)
    return render("billing/plan.html", "billing/_plan.html", **plan_summary(g.workspace, now=utcnow()))
