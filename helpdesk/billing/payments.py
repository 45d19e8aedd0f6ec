"""Paying: what a period or added seats cost, the invoice, and what a payment changes (R8-R10).

The server prices everything itself from the plan, the period and the seat count: a form's
total is only compared with it, so a tampered form is refused before anything is charged.
A payment moves the workspace to active through `change_status`, extends `paid_until` and
sets the seats; a payment that cannot be applied (workspace cancelled or deleted, invoice
void) is kept and flagged for the operator to refund.
"""
import logging

from peewee import fn

from helpdesk.billing.models import PERIODS, Invoice, InvoiceStatus, Plan, Subscription
from helpdesk.billing.services import (BillingError, _apply_basis_points, add_months, change_invoice_status,
                                       create_invoice, quote, subscribe)
from helpdesk.core import audit
from helpdesk.core.i18n import gettext as _, ngettext
from helpdesk.core.mailer import send_email
from helpdesk.extensions import db
from helpdesk.workspaces.models import Invitation, Membership, Role, Workspace
from helpdesk.workspaces import services as workspace_services
from helpdesk.workspaces.services import SeatLimitReached, change_status

log = logging.getLogger(__name__)
MAX_SEATS = 1000
PAYABLE_STATES = (Workspace.TRIAL, Workspace.ACTIVE, Workspace.LAPSED)


def offered_plans(now):
    """Plans on sale: paid ones not retired by `now`, cheapest first."""
    return list(Plan.select().where(~Plan.is_free, Plan.retire_on.is_null() | (Plan.retire_on > now))
                .order_by(Plan.price_per_seat, Plan.name))


def subscription_of(workspace):
    return Subscription.of(workspace, Subscription, Plan).join(Plan).first()


def pending_invitations(workspace, *, now):
    """How many invitations are pending: each takes a seat, as each member does (R10)."""
    return Invitation.of(workspace).where(Invitation.accepted_at.is_null(), Invitation.revoked_at.is_null(),
                                          Invitation.expires_at > now).count()


def _trial_seats(subscription, now):
    """The trial seat limit of the workspace's plan, else the lowest of the plans on sale."""
    plans = [subscription.plan] if subscription else offered_plans(now)
    return min((plan.trial_seat_limit for plan in plans), default=None)


def paid_seats(workspace, *, now, subscription=None):
    """The seats `workspace` may fill now, or None for no limit (R10).

    A trial has its plan's trial seat limit; the free plan its seat limit; a paid period the seats of
    its paid invoices covering `now` (the period's and those added since); otherwise the seats last bought.
    `subscription` is `subscription_of(workspace)` when the caller has read it already.
    """
    if subscription is None:
        subscription = subscription_of(workspace)
    if workspace.status == Workspace.TRIAL:
        return _trial_seats(subscription, now)
    if workspace.free_plan:
        return subscription.plan.seat_limit if subscription else None
    covering = (Invoice.select(fn.SUM(Invoice.seats))
                .where(Invoice.workspace == workspace, Invoice.status == InvoiceStatus.PAID,
                       Invoice.period_start <= now, Invoice.period_end > now).scalar())
    if covering:
        return covering
    return subscription.seats if subscription else _trial_seats(subscription, now)


def check_free_seat(workspace, *, now, accepting):
    """SeatLimitReached unless one more person can be invited, or an invited one can join (R10)."""
    limit = paid_seats(workspace, now=now)
    used = Membership.of(workspace).count() + (0 if accepting else pending_invitations(workspace, now=now))
    if limit is None or used < limit:
        return
    if accepting:
        raise SeatLimitReached(_("%(workspace)s has no free seat for you right now: all %(paid)d paid seats are "
                                 "taken. Ask its owner to buy more seats.", workspace=workspace.name, paid=limit))
    raise SeatLimitReached(ngettext(
        "%(num)d seat is paid and it is taken (members and pending invitations). Buy more seats on Your plan, "
        "or remove someone first.",
        "%(num)d seats are paid and all are taken (members and pending invitations). Buy more seats on Your "
        "plan, or remove someone first.", limit))


workspace_services.seat_checks.append(check_free_seat)


def period_start_for(workspace, *, now):
    """A period bought now starts at the end of the running paid period, else now."""
    if workspace.status == Workspace.ACTIVE and workspace.paid_until and workspace.paid_until > now:
        return workspace.paid_until
    return now


def _clean_seats(seats):
    if not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        raise BillingError(_("Choose between 1 and %(most)d seats.", most=MAX_SEATS))
    return seats


def period_quote(workspace, plan_id, seats, months, *, now, tax_rate):
    """The price of a period with its dates, checked like a payment would be: (plan, quote dict)."""
    if workspace.status not in PAYABLE_STATES or workspace.free_plan:
        raise BillingError(_("This workspace cannot buy a period now."))
    plan = next((plan for plan in offered_plans(now) if plan.id == plan_id), None)
    if plan is None:
        raise BillingError(_("That plan is not on sale; choose one of the plans shown."))
    if months not in PERIODS:
        raise BillingError(_("Choose a period of 1, 3, 6 or 12 months."))
    seats = _clean_seats(seats)
    members = Membership.of(workspace).count()
    if seats < members:
        raise BillingError(_("%(members)d members use seats: buy at least that many, or remove members first.",
                             members=members))
    start = period_start_for(workspace, now=now)
    amounts = quote(plan, seats, months, period_start=start, tax_rate=tax_rate)
    return plan, {**amounts, "seats": seats, "months": months, "period_start": start,
                  "period_end": add_months(start, months)}


def seats_quote(workspace, extra, *, now, tax_rate):
    """Seats added to the running paid period, charged pro rata to the day (R10): (plan, quote dict).

    The price per seat is what the period's invoice charged for one seat (its discount included),
    times the days left over the period's days.
    """
    extra = _clean_seats(extra)
    base = (Invoice.select().where(Invoice.workspace == workspace, Invoice.kind == "period",
                                   Invoice.status == InvoiceStatus.PAID, Invoice.period_start <= now,
                                   Invoice.period_end > now).order_by(Invoice.period_start.desc()).first())
    if workspace.status != Workspace.ACTIVE or base is None or base.plan is None:
        raise BillingError(_("Seats are added to a running paid period; buy a period first."))
    period_days = (base.period_end.date() - base.period_start.date()).days
    days_left = (base.period_end.date() - now.date()).days
    net = (base.net * extra * days_left * 2 + base.seats * period_days) // (2 * base.seats * period_days)
    tax = _apply_basis_points(net, tax_rate)
    return base.plan, {"unit_price": base.unit_price, "discount": base.discount, "net": net, "tax_rate": tax_rate,
                       "tax": tax, "gross": net + tax, "seats": extra, "months": base.period_months,
                       "period_start": now, "period_end": base.period_end, "days_left": days_left,
                       "period_days": period_days}


def create_payment_invoice(workspace, buyer, plan, priced, *, kind, method, expected_gross, now, seller):
    """The invoice for a priced period or seats, once the form's total matches the server's.

    Paying by bank transfer is for the plan's bank transfer periods only (R9). Older open invoices
    of the workspace are voided: one open invoice at a time, so that two payments never buy one period.
    """
    if expected_gross != priced["gross"]:
        raise BillingError(_("The total changed since you saw it (or the form was altered). "
                             "Nothing was charged; check the new total."))
    if method == "bank" and (kind != "period" or priced["months"] not in plan.bank_transfer_months):
        raise BillingError(_("Bank transfer is for periods of %(months)s months only.",
                             months=", ".join(str(m) for m in plan.bank_transfer_months) or "0"))
    if method not in ("card", "bank"):
        raise BillingError(_("Choose card or bank transfer."))
    amounts = {key: priced[key] for key in ("unit_price", "discount", "net", "tax_rate", "tax", "gross")}
    with db.database.atomic():
        for stale in Invoice.select().where(Invoice.workspace == workspace, Invoice.status == InvoiceStatus.OPEN):
            change_invoice_status(stale, InvoiceStatus.VOID, now=now, reason="replaced")
        return create_invoice(workspace, plan, priced["seats"], priced["months"], buyer, now=now, seller=seller,
                              tax_rate=priced["tax_rate"], period_start=priced["period_start"],
                              period_end=priced["period_end"], kind=kind, amounts=amounts, method=method)


def _flag(invoice, reason, now, payment_ref):
    Invoice.update(flag=reason, payment_ref=payment_ref or Invoice.payment_ref).where(Invoice.id == invoice.id).execute()
    invoice.flag = reason
    log.warning("invoice %s: %s", invoice.number, reason)
    audit.record("payment_flagged", now=now, number=invoice.number, reason=reason)


def apply_payment(invoice, *, now, payment_ref=None, amount=None, currency=None, actor=None):
    """Record that `invoice` was paid and give the workspace what it bought. Returns what was done.

    Safe to call twice (a replayed webhook): an invoice already paid changes nothing.
    """
    with db.database.atomic():
        invoice = Invoice.get_by_id(invoice.id)
        if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.REFUNDED):
            return "already paid"
        if amount is not None and (amount != invoice.gross or (currency or "").upper() != invoice.currency):
            _flag(invoice, f"paid {amount} {currency}, the invoice asks {invoice.gross} {invoice.currency}: check "
                           "and refund", now, payment_ref)
            return "flagged"
        if invoice.status == InvoiceStatus.VOID:
            _flag(invoice, "paid after it was voided: refund it", now, payment_ref)
            return "flagged"
        workspace = Workspace.get_or_none(Workspace.id == invoice.workspace_id) if invoice.workspace_id else None
        change_invoice_status(invoice, InvoiceStatus.PAID, now=now, actor=actor, payment_ref=payment_ref)
        Invoice.update(payment_ref=payment_ref, decline_reason="").where(Invoice.id == invoice.id).execute()
        if workspace is None or workspace.status in (Workspace.CANCELLED, Workspace.DELETED):
            _flag(invoice, "paid for a cancelled or deleted workspace: refund it", now, payment_ref)
            return "flagged"
        _give(workspace, invoice, now, actor)
    _send_receipt(workspace, invoice)
    return "paid"


def _give(workspace, invoice, now, actor):
    if invoice.kind == "period":
        paid_until = max(workspace.paid_until or invoice.period_end, invoice.period_end)
        # The plan paid for; were it deleted since (the invoice keeps its name only), the one subscribed stays.
        subscribe(workspace, invoice.plan or subscription_of(workspace).plan, seats=invoice.seats,
                  months=invoice.period_months)
        Workspace.update(paid_until=paid_until, free_plan=False).where(Workspace.id == workspace.id).execute()
        workspace.paid_until, workspace.free_plan = paid_until, False
    else:
        Subscription.update(seats=Subscription.seats + invoice.seats).where(Subscription.workspace == workspace).execute()
    if workspace.status in (Workspace.TRIAL, Workspace.LAPSED):
        change_status(workspace, Workspace.ACTIVE, now=now, actor=actor, reason="paid", invoice=invoice.number)


def _send_receipt(workspace, invoice):
    owners = [m.user.email for m in Membership.of(workspace).where(Membership.role == Role.OWNER)]
    for address in dict.fromkeys([invoice.buyer_email, *owners]):
        if address:
            send_email(address, _("Receipt for invoice %(number)d", number=invoice.number), "billing_receipt",
                       invoice=invoice, workspace=workspace)


def record_decline(invoice, reason, *, now):
    """A card payment failed: the invoice stays open and keeps the reason to show. False once paid."""
    updated = (Invoice.update(decline_reason=reason[:500])
               .where(Invoice.id == invoice.id, Invoice.status == InvoiceStatus.OPEN).execute())
    if updated:
        audit.record("payment_declined", now=now, workspace=invoice.workspace, number=invoice.number, reason=reason)
    return bool(updated)
