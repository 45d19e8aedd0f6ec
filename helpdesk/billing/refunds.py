"""Refunds, issued by the operator (R12): recorded on the invoice and, for cards, sent through the provider.

The default policy gives back the unused whole months of a period and nothing for a month begun
(`REFUND_PARTIAL_MONTHS=0`); with `REFUND_PARTIAL_MONTHS=1` the begun month's unused days too. The
operator may name another amount (`--amount`), never more than what is left to give back.
"""
from helpdesk.billing.models import Invoice, InvoiceStatus
from helpdesk.billing.services import BillingError, add_months, change_invoice_status
from helpdesk.core import audit


def policy_amount(invoice, *, now, partial_months):
    """What the policy gives back of `invoice` at `now`, in minor units."""
    if invoice.kind != "period":  # seats added mid-period: their days, as for a partial month
        total_days = max(1, (invoice.period_end.date() - invoice.period_start.date()).days)
        days_left = max(0, (invoice.period_end.date() - max(now, invoice.period_start).date()).days)
        return invoice.gross * days_left // total_days if partial_months else 0
    per_month = invoice.gross // invoice.period_months
    months_used, month_start = 0, invoice.period_start
    while months_used < invoice.period_months and add_months(invoice.period_start, months_used) <= now:
        month_start = add_months(invoice.period_start, months_used)
        months_used += 1
    amount = per_month * (invoice.period_months - months_used)
    if partial_months and months_used and now < invoice.period_end:
        month_end = add_months(month_start, 1)
        month_days = (month_end.date() - month_start.date()).days
        amount += per_month * (month_end.date() - now.date()).days // month_days
    return amount


def refund(invoice, *, now, provider, partial_months, amount=None):
    """Give back `amount` (default: the policy's) of a paid invoice; returns the amount refunded."""
    if invoice.status != InvoiceStatus.PAID:
        raise BillingError(f"Invoice {invoice.number} is {invoice.status}; only a paid invoice is refunded.")
    left = invoice.gross - invoice.refunded
    amount = policy_amount(invoice, now=now, partial_months=partial_months) if amount is None else amount
    amount = min(amount, left)
    if amount <= 0:
        raise BillingError(f"Nothing to refund on invoice {invoice.number} (policy or amount gives 0; "
                           f"{left} {invoice.currency} minor units are left). Give --amount to refund more.")
    reference = provider.refund(invoice, amount) if invoice.method == "card" and invoice.payment_ref else None
    Invoice.update(refunded=Invoice.refunded + amount).where(Invoice.id == invoice.id).execute()
    invoice.refunded += amount
    audit.record("invoice_refunded", now=now, workspace=invoice.workspace, number=invoice.number, amount=amount,
                 provider_refund=reference)
    if invoice.refunded >= invoice.gross:
        change_invoice_status(invoice, InvoiceStatus.REFUNDED, now=now, refunded=invoice.refunded)
    return amount
