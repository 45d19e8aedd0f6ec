"""What the operator does to a workspace (R20, R36): each action goes through billing's and
workspaces' own services (the `flask billing` commands call the same ones) and is logged twice
(`log.record_action`)."""
from datetime import timedelta


from helpdesk.accounts.models import User
from helpdesk.billing import deletion, payments, refunds
from helpdesk.billing.models import Invoice, InvoiceStatus
from helpdesk.billing.services import BillingError
from helpdesk.billing.timeline import long_date, purge_date
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import send_email
from helpdesk.core.urls import request_context
from helpdesk.extensions import db
from helpdesk.operator.log import record_action
from helpdesk.workspaces.models import Membership, Role, Workspace
from helpdesk.workspaces.services import WorkspaceError, change_status

MAX_TRIAL_EXTENSION_DAYS = 90
REASON_MAX = 2000


class OperatorError(Exception):
    """The action was refused; the message is meant for the operator."""


def owner_of(workspace):
    """The owner's account, or None (a deleted workspace has no members)."""
    return (User.select().join(Membership)
            .where(Membership.workspace == workspace, Membership.role == Role.OWNER).first())


def extend_trial(workspace, operator, days, *, now):
    """Give a trial (running, or ended without any payment) `days` more; an ended one runs again."""
    if not 1 <= days <= MAX_TRIAL_EXTENSION_DAYS:
        raise OperatorError(f"Extend a trial by 1 to {MAX_TRIAL_EXTENSION_DAYS} days.")
    never_paid = workspace.paid_until is None and not workspace.free_plan
    if not (workspace.status == Workspace.TRIAL or (workspace.status == Workspace.LAPSED and never_paid)):
        raise OperatorError(f"{workspace.name} is {workspace.status}: only a trial, or a trial that ended "
                            "without a payment, can be extended.")
    ends = max(workspace.trial_ends_at or now, now) + timedelta(days=days)
    with db.database.atomic():
        Workspace.update(trial_ends_at=ends).where(Workspace.id == workspace.id).execute()
        workspace.trial_ends_at = ends
        if workspace.status == Workspace.LAPSED:
            change_status(workspace, Workspace.TRIAL, now=now, actor=operator, reason="trial_extended")
        record_action(operator, "extend_trial", now=now, workspace=workspace, days=days, trial_ends_at=ends)
    return ends


def invoice_of(workspace, number):
    """The workspace's invoice `number`, or OperatorError (another workspace's number included)."""
    invoice = Invoice.get_or_none(Invoice.workspace == workspace, Invoice.number == number)
    if invoice is None:
        raise OperatorError(f"{workspace.name} has no invoice {number}.")
    return invoice


def mark_invoice_paid(invoice, operator, *, now):
    """A bank transfer arrived (R9): the workspace gets what the invoice bought (`flask billing mark-paid`)."""
    if invoice.method != "bank":
        raise OperatorError(f"Invoice {invoice.number} is paid by card; the payment provider reports its payment.")
    if invoice.status != InvoiceStatus.OPEN:
        raise OperatorError(f"Invoice {invoice.number} is {invoice.status}, not open.")
    outcome = payments.apply_payment(invoice, now=now, payment_ref="bank transfer", actor=operator)
    record_action(operator, "mark_invoice_paid", now=now, workspace=invoice.workspace, invoice=invoice.number,
                  outcome=outcome)
    return outcome


def record_refund(invoice, operator, amount, *, now, provider, partial_months):
    """Refund (R12) through the provider for cards, recorded for transfers (`flask billing refund`)."""
    try:
        done = refunds.refund(invoice, now=now, provider=provider, amount=amount, partial_months=partial_months)
    except BillingError as error:
        raise OperatorError(str(error)) from None
    record_action(operator, "refund", now=now, workspace=invoice.workspace, invoice=invoice.number, amount=done)
    return done


def _clean_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise OperatorError("Give the reason: it is emailed to the owner.")
    if len(reason) > REASON_MAX:
        raise OperatorError(f"Keep the reason under {REASON_MAX} characters.")
    return reason


def _tell_owner(workspace, owner, template, subject, **context):
    if owner is not None:
        send_email(owner.email, subject, template, workspace=workspace, owner=owner, long_date=long_date, **context)


def suspend(workspace, operator, reason, *, now):
    """Suspend a workspace (read-only for its members); the reason is emailed to the owner."""
    reason = _clean_reason(reason)
    try:
        moved = change_status(workspace, Workspace.SUSPENDED, now=now, actor=operator,
                              reason="suspended_by_operator", note=reason)
    except WorkspaceError as error:
        raise OperatorError(str(error)) from None
    if not moved:
        raise OperatorError("The workspace changed meanwhile; look again.")
    record_action(operator, "suspend", now=now, workspace=workspace, reason=reason)
    with request_context():
        subject = _("%(workspace)s was suspended", workspace=workspace.name)
    _tell_owner(workspace, owner_of(workspace), "operator_suspended", subject, reason=reason, on=now)


def lift_suspension(workspace, operator, *, now):
    """End a suspension: the workspace gets the state its dates give it (trial, active or lapsed)."""
    if workspace.status != Workspace.SUSPENDED:
        raise OperatorError(f"{workspace.name} is {workspace.status}, not suspended.")
    status, since = deletion.state_by_dates(workspace, now=now)
    if not change_status(workspace, status, now=now, actor=operator, since=since, reason="suspension_lifted"):
        raise OperatorError("The workspace changed meanwhile; look again.")
    record_action(operator, "lift_suspension", now=now, workspace=workspace, status=status)
    return status


def terminate(workspace, operator, reason, *, typed_slug, now):
    """Delete a workspace and all its data (R21) for a reason emailed to the owner first; the operator
    confirms by typing its slug."""
    reason = _clean_reason(reason)
    if (typed_slug or "").strip() != workspace.slug:
        raise OperatorError(f"Type the workspace's address, {workspace.slug}, to confirm.")
    if workspace.status == Workspace.DELETED:
        raise OperatorError(f"{workspace.name} is already deleted.")
    owner = owner_of(workspace)  # before the deletion removes the members
    if deletion.start_deletion(workspace, reason="terminated_by_operator", now=now, actor=operator) is None:
        raise OperatorError("The workspace changed meanwhile; look again.")
    record_action(operator, "terminate", now=now, workspace=workspace, reason=reason)
    with request_context():
        subject = _("%(workspace)s was closed", workspace=workspace.name)
    _tell_owner(workspace, owner, "operator_terminated", subject, reason=reason, on=now)


def restore_refusal(workspace, *, now):
    """Why the workspace cannot be restored now (R20), or None when it can."""
    if workspace.status != Workspace.CANCELLED:
        return _("Only a cancelled workspace is restored.")
    if now >= purge_date(workspace):
        return _("Cancelled on %(cancelled)s: the 14 days to restore it ended on %(ended)s.",
                 cancelled=long_date(workspace.status_changed_at), ended=long_date(purge_date(workspace)))
    return None


def restore(workspace, operator, *, now):
    """R20: bring a cancelled workspace back within 14 days (`flask billing restore`)."""
    try:
        status = deletion.restore_workspace(workspace, now=now, actor=operator)
    except WorkspaceError as error:
        raise OperatorError(str(error)) from None
    record_action(operator, "restore", now=now, workspace=workspace, status=status)
    return status
