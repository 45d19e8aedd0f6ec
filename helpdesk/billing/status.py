"""What "Your plan" says: the workspace's state in words with its dates, seats and invoices (R5)."""
from peewee import fn

from helpdesk.billing.models import Invoice
from helpdesk.billing.payments import paid_seats, pending_invitations, subscription_of
from helpdesk.billing.timeline import FREE_IDLE, deletion_date, long_date
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _, ngettext
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import Membership, Workspace
from helpdesk.workspaces.services import may_write


def money(amount, currency):
    """'35.70 EUR' from minor units (every currency sold here has two decimals)."""
    return f"{amount / 100:.2f} {currency}"


def invoice_statuses():
    return {"open": _("Open"), "paid": _("Paid"), "void": _("Void (replaced)"), "refunded": _("Refunded")}


def _deletion_day(workspace):
    """When a lapsed workspace is deleted; its highest ticket number is how many tickets it has had."""
    return deletion_date(workspace, Ticket.of(workspace, fn.MAX(Ticket.number)).scalar() or 0)


def state_in_words(workspace, *, now):
    """(where the workspace stands, what happens next and when) as two sentences; the second may be None."""
    if workspace.status == Workspace.TRIAL:
        days = max(0, (workspace.trial_ends_at - now).days)
        return (ngettext("Free trial: %(num)d day left, until %(date)s.", "Free trial: %(num)d days left, until %(date)s.",
                         days, date=long_date(workspace.trial_ends_at)),
                _("On %(date)s the workspace becomes read-only until a plan is paid.",
                  date=long_date(workspace.trial_ends_at)))
    if workspace.status == Workspace.ACTIVE and workspace.free_plan:
        return (_("On the free plan."),
                _("A free workspace nobody signs in to or replies from for %(days)d days is deleted.",
                  days=FREE_IDLE.days))
    if workspace.status == Workspace.ACTIVE:
        return (_("Active until %(date)s.", date=long_date(workspace.paid_until)),
                _("On %(date)s the workspace becomes read-only unless the next period is paid.",
                  date=long_date(workspace.paid_until)))
    if workspace.status == Workspace.LAPSED:
        return (_("Read-only since %(date)s.", date=long_date(workspace.status_changed_at)),
                _("On %(date)s this workspace and all its data will be deleted unless a plan is paid.",
                  date=long_date(_deletion_day(workspace))))
    return _("Suspended by the operator."), None


def billing_banner(workspace, membership):
    """What the banner says, or None: dates and a link for the owner and billing admins, short for others."""
    now = utcnow()
    writable = may_write(workspace, now=now)
    payer = membership is not None and membership.can_bill
    if workspace.status == Workspace.TRIAL and writable:
        text = _("Your trial ends on %(date)s.", date=long_date(workspace.trial_ends_at))
        return {"tone": "info", "text": text, "link": _("Choose a plan") if payer else None}
    if workspace.status == Workspace.ACTIVE and writable:
        return None
    if not payer:
        return {"tone": "warning", "link": None, "text": _(
            "This workspace has no paid period: you can read and export, but not reply or edit until a plan is paid.")}
    if workspace.status == Workspace.LAPSED:
        text = _("Read-only since %(since)s: this workspace and all its data will be deleted on %(date)s unless a "
                 "plan is paid.", since=long_date(workspace.status_changed_at),
                 date=long_date(_deletion_day(workspace)))
    else:
        text = state_in_words(workspace, now=now)[0]
    text = f"{text} " + _("Until then you can read and export, but not reply or edit.")
    return {"tone": "warning", "text": text, "link": _("Pay on Your plan")}


def plan_summary(workspace, *, now):
    """Everything "Your plan" shows, in a handful of queries (the invoice status labels: `invoice_statuses`)."""
    subscription = subscription_of(workspace)
    state, next_step = state_in_words(workspace, now=now)
    members = Membership.of(workspace).count()
    return {
        "state": state, "next_step": next_step, "plan": subscription.plan if subscription else None,
        "seats_paid": paid_seats(workspace, now=now, subscription=subscription),
        "seats_bought": subscription.seats if subscription else None,
        "seats_used": members + pending_invitations(workspace, now=now), "members": members,
        "invoices": list(Invoice.select().where(Invoice.workspace == workspace).order_by(Invoice.number.desc())),
    }
