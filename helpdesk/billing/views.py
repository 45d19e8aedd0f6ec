"""The "Your plan" pages (R5, R8-R10): buy a period or seats, review the total, pay, invoices."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from helpdesk.billing import bp
from helpdesk.billing.deletion import cancel_workspace
from helpdesk.billing.forms import BuyForm, CancelForm, SeatsForm
from helpdesk.billing.models import Invoice, InvoiceStatus
from helpdesk.billing.payments import create_payment_invoice, offered_plans, period_quote, seats_quote
from helpdesk.billing.providers import provider
from helpdesk.billing.services import BillingError
from helpdesk.billing.timeline import long_date
from helpdesk.core.i18n import gettext as _
from helpdesk.workspaces.services import WorkspaceError
from helpdesk.billing.status import plan_summary
from helpdesk.core.clock import utcnow
from helpdesk.core.render import render


def _require_billing():
    """Only the owner and admins granted billing see it (R5); others get 404, as for a page that does not exist."""
    if not g.membership.can_bill:
        abort(404)


def _buy_form(plans, summary=None):
    """The buy form offering `plans`; a page shown afresh (GET) fills it from `summary`, as last time."""
    form = BuyForm()
    form.plan.choices = [SelectChoice(plan.id, plan.name) for plan in plans]
    if request.method == "GET":
        subscription_plan = summary["plan"]
        form.plan.data = subscription_plan.id if subscription_plan else next((c.value for c in form.plan.choices), None)
        form.seats.data = max(summary["seats_used"], summary["seats_bought"] or 1)
        workspace = g.workspace
        last = summary["invoices"][0] if summary["invoices"] else None  # the buyer's details, as last time
        form.buyer_name.data = last.buyer_name if last else g.workspace.name
        if last:
            form.buyer_address.data, form.buyer_country.data = last.buyer_address, last.buyer_country
            form.buyer_vat_id.data = last.buyer_vat_id
        if workspace.business_name:  # the business details of the workspace settings come first
            form.buyer_name.data, form.buyer_address.data = workspace.business_name, workspace.business_address
            form.buyer_country.data, form.buyer_vat_id.data = workspace.business_country, workspace.business_vat_id
    return form


def _plan_page(buy_form=None, seats_form=None, status=200, cancel_form=None, **extra):
    now = utcnow()
    summary = plan_summary(g.workspace, now=now)
    plans = offered_plans(now)
    return render("billing/plan.html", "billing/_plan.html", status=status, **summary,
                  buy_form=buy_form or _buy_form(plans, summary), seats_form=seats_form or SeatsForm(),
                  cancel_form=cancel_form or CancelForm(formdata=None),
                  plans=plans, bank_details=current_app.config["BANK_DETAILS"], **extra)


@bp.get("/")
def your_plan():
    """The workspace's plan, state, dates, seats and invoices, and what to buy next."""
    _require_billing()
    paid = request.args.get("paid", type=int)
    just_paid = Invoice.get_or_none(Invoice.number == paid, Invoice.workspace == g.workspace) if paid else None
    return _plan_page(just_paid=just_paid)


def _buyer(form):
    return {"name": form.buyer_name.data, "address": form.buyer_address.data or "",
            "country": form.buyer_country.data or "", "vat_id": form.buyer_vat_id.data or "",
            "email": current_user.email}


def _checkout(invoice):
    """Send the buyer to the provider's hosted page for `invoice`."""
    success = url_for("workspace.billing.your_plan", paid=invoice.number, _external=True)
    cancel = url_for("workspace.billing.your_plan", _external=True)
    try:
        session_id, url = provider().create_checkout(invoice, success_url=success, cancel_url=cancel)
    except Exception as error:  # noqa: BLE001 (any provider failure: the invoice stays open, the person is told)
        current_app.logger.warning("checkout for invoice %s failed: %s", invoice.number, error)
        flash(_("The payment provider could not be reached; nothing was charged. Try again in a moment."), "error")
        return redirect(url_for("workspace.billing.your_plan"))
    Invoice.update(provider_ref=session_id).where(Invoice.id == invoice.id).execute()
    return redirect(url, 303)


def _expected(form):
    raw = form.expected_gross.data or ""
    return int(raw) if raw.isdigit() else -1


@bp.post("/buy")
def buy():
    """First the review (net, tax, gross, dates); its Pay button sends the same form with the total seen."""
    _require_billing()
    now = utcnow()
    form = _buy_form(offered_plans(now))
    if not form.validate_on_submit():
        return _plan_page(buy_form=form, status=422)
    try:
        plan, priced = period_quote(g.workspace, form.plan.data, form.seats.data, int(form.months.data), now=now,
                                    tax_rate=current_app.config["TAX_RATE_BP"])
        if not form.expected_gross.data:
            return render_template("billing/review.html", form=form, plan=plan, priced=priced, action="buy")
        invoice = create_payment_invoice(
            g.workspace, _buyer(form), plan, priced, kind="period", method=form.method.data,
            expected_gross=_expected(form), now=now, seller=current_app.config["INVOICE_SELLER"])
    except BillingError as error:
        form.seats.errors.append(str(error))
        return _plan_page(buy_form=form, status=422)
    if invoice.method == "bank":
        flash(_("Invoice %(number)d is ready: pay it by bank transfer with the details on it.",
                number=invoice.number), "success")
        return redirect(url_for("workspace.billing.invoice", number=invoice.number))
    return _checkout(invoice)


@bp.post("/seats")
def add_seats():
    """Seats added to the running period, pro rata to the day (R10): review, then pay by card."""
    _require_billing()
    now = utcnow()
    form = SeatsForm()
    if not form.validate_on_submit():
        return _plan_page(seats_form=form, status=422)
    try:
        plan, priced = seats_quote(g.workspace, form.extra.data, now=now, tax_rate=current_app.config["TAX_RATE_BP"])
        if not form.expected_gross.data:
            return render_template("billing/review.html", form=form, plan=plan, priced=priced, action="seats")
        invoice = create_payment_invoice(
            g.workspace, {"name": g.workspace.name, "email": current_user.email}, plan, priced, kind="seats",
            method="card", expected_gross=_expected(form), now=now, seller=current_app.config["INVOICE_SELLER"])
    except BillingError as error:
        form.extra.errors.append(str(error))
        return _plan_page(seats_form=form, status=422)
    return _checkout(invoice)


def _invoice_or_404(number):
    invoice = Invoice.get_or_none(Invoice.number == number, Invoice.workspace == g.workspace)
    if invoice is None:
        abort(404)
    return invoice


@bp.post("/invoices/<int:number>/pay")
def pay_invoice(number):
    """Pay an open card invoice again (after a decline, or a checkout left half way)."""
    _require_billing()
    invoice = _invoice_or_404(number)
    if invoice.status != InvoiceStatus.OPEN or invoice.method != "card":
        flash(_("Invoice %(number)d is not open for card payment.", number=number), "error")
        return redirect(url_for("workspace.billing.your_plan"))
    return _checkout(invoice)


@bp.get("/invoices/<int:number>")
def invoice(number):
    """The invoice as a printable page (print CSS hides the app around it)."""
    _require_billing()
    return render_template("billing/invoice.html", invoice=_invoice_or_404(number),
                           bank_details=current_app.config["BANK_DETAILS"])


@bp.post("/cancel")
def cancel():
    """R18: cancel after typing the password and the workspace's name; R19: at once nobody gets in."""
    _require_billing()
    form = CancelForm()
    if not form.validate_on_submit():
        return _plan_page(cancel_form=form, status=422)
    try:
        purged_on = cancel_workspace(g.workspace, g.membership, password=form.password.data,
                                     typed_name=form.workspace_name.data, now=utcnow())
    except WorkspaceError as error:
        form.workspace_name.errors.append(str(error))
        return _plan_page(cancel_form=form, status=422)
    flash(_("%(workspace)s is cancelled. The operator can restore it until %(date)s; after that it is deleted.",
            workspace=g.workspace.name, date=long_date(purged_on)), "success")
    return redirect(url_for("accounts.index"))
