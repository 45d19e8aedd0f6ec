"""Billing rules: plans, scheduled price changes, subscriptions, invoices (R8, R11).

Functions take explicit arguments, `now` included. Amounts are integer minor units;
discounts and tax are basis points, rounded half up once per invoice line.
"""
from datetime import timedelta

from peewee import IntegrityError, fn

from helpdesk.billing.models import PERIODS, Invoice, InvoiceStatus, Plan, PriceChange, Subscription
from helpdesk.core import audit
from helpdesk.extensions import db

PRICE_NOTICE = timedelta(days=30)  # R11: a new price is announced at least this far ahead
RETIRE_NOTICE_MONTHS = 3  # R11: retiring a plan, at least three months ahead
PLAN_FIELDS = ("name", "currency", "price_per_seat", "discount_1", "discount_3", "discount_6", "discount_12",
               "bank_transfer_periods", "is_free", "seat_limit", "trial_seat_limit")


class BillingError(Exception):
    """A billing rule refused the input; the message is meant for the person."""


def add_months(moment, months):
    """`moment` plus calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    next_month = moment.replace(year=year + month // 12, month=month % 12 + 1, day=1)
    last_day = (next_month - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _apply_basis_points(amount, basis_points):
    return (amount * basis_points + 5000) // 10000  # half up, on non-negative integers


def _validated_plan_fields(values):
    clean = {key: values[key] for key in PLAN_FIELDS if key in values and values[key] is not None}
    if "name" in clean:
        clean["name"] = clean["name"].strip()
        if not clean["name"]:
            raise BillingError("Give the plan a name.")
    if "currency" in clean:
        clean["currency"] = clean["currency"].strip().upper()
        if len(clean["currency"]) != 3 or not clean["currency"].isalpha():
            raise BillingError("The currency is a three-letter code such as EUR or USD.")
    if clean.get("price_per_seat", 0) < 0:
        raise BillingError("The price cannot be negative.")
    for months in PERIODS:
        if not 0 <= clean.get(f"discount_{months}", 0) <= 10000:
            raise BillingError("A discount is between 0 and 10000 basis points (0 % to 100 %).")
    if "bank_transfer_periods" in clean:
        parts = [part.strip() for part in str(clean["bank_transfer_periods"]).split(",") if part.strip()]
        if any(not part.isdigit() or int(part) not in PERIODS for part in parts):
            raise BillingError("Bank transfer periods are a list of 1, 3, 6 and 12, such as 12 or 6,12.")
        clean["bank_transfer_periods"] = ",".join(parts)
    for key in ("seat_limit", "trial_seat_limit"):
        if clean.get(key, 1) < 1:
            raise BillingError("A seat limit is at least 1.")
    return clean


def create_plan(values, *, now):
    """A new plan from a dict of `PLAN_FIELDS`; name and price are required."""
    clean = _validated_plan_fields(values)
    if "name" not in clean or "price_per_seat" not in clean:
        raise BillingError("A plan needs a name and a price per seat.")
    try:
        with db.database.atomic():
            plan = Plan.create(created_at=now, **clean)
    except IntegrityError:
        raise BillingError(f"There is already a plan named {clean['name']}.") from None
    audit.record("plan_created", now=now, plan=plan.name, price=plan.price_per_seat, currency=plan.currency)
    return plan


def edit_plan(plan, values, *, now):
    """Change a plan's settings. Its price changes only through `schedule_price_change` (R11)."""
    if "price_per_seat" in values and values["price_per_seat"] is not None:
        raise BillingError("A price changes by scheduling it at least 30 days ahead.")
    clean = _validated_plan_fields(values)
    for key, value in clean.items():
        setattr(plan, key, value)
    try:
        with db.database.atomic():
            plan.save()
    except IntegrityError:
        raise BillingError(f"There is already a plan named {clean['name']}.") from None
    audit.record("plan_edited", now=now, plan=plan.name, **clean)
    return plan


def find_plan(name):
    """The plan named `name`, or BillingError."""
    plan = Plan.get_or_none(Plan.name == name)
    if plan is None:
        raise BillingError(f"There is no plan named {name}.")
    return plan


def plans():
    """Every plan, by name."""
    return list(Plan.select().order_by(Plan.name))


def schedule_price_change(plan, price_per_seat, effective_at, *, now):
    """Announce a new price for periods bought from `effective_at`, at least 30 days away (R11).

    The owners on the plan are emailed once by the lifecycle job (a notice per change).
    """
    if price_per_seat < 0:
        raise BillingError("The price cannot be negative.")
    if effective_at < now + PRICE_NOTICE:
        raise BillingError(f"A new price applies at least 30 days after it is announced: "
                           f"{(now + PRICE_NOTICE).date().isoformat()} or later.")
    try:
        with db.database.atomic():
            change = PriceChange.create(plan=plan, price_per_seat=price_per_seat, effective_at=effective_at,
                                        created_at=now)
    except IntegrityError:
        raise BillingError("A price change for that date is already scheduled.") from None
    audit.record("price_change_scheduled", now=now, plan=plan.name, price=price_per_seat, effective_at=effective_at)
    return change


def retire_plan(plan, retire_on, *, now):
    """Stop selling `plan` from `retire_on`, announced at least 3 months ahead (R11)."""
    if retire_on < add_months(now, RETIRE_NOTICE_MONTHS):
        raise BillingError("A plan is retired at least 3 months after it is announced.")
    plan.retire_on = retire_on
    plan.save()
    audit.record("plan_retired", now=now, plan=plan.name, retire_on=retire_on)
    return plan


def price_at(plan, moment):
    """The price per seat of a period starting at `moment`: the last change in effect by then, else the plan's."""
    change = (PriceChange.select().where(PriceChange.plan == plan, PriceChange.effective_at <= moment)
              .order_by(PriceChange.effective_at.desc()).first())
    return change.price_per_seat if change else plan.price_per_seat


def quote(plan, seats, months, *, period_start, tax_rate):
    """Net, tax and gross of `seats` for `months` from `period_start` (R8): a dict of integers."""
    if months not in PERIODS:
        raise BillingError("Choose a period of 1, 3, 6 or 12 months.")
    if not isinstance(seats, int) or seats < 1:
        raise BillingError("Choose at least one seat.")
    unit_price = price_at(plan, period_start)
    discount = plan.discount(months)
    net = unit_price * seats * months - _apply_basis_points(unit_price * seats * months, discount)
    tax = _apply_basis_points(net, tax_rate)
    return {"unit_price": unit_price, "discount": discount, "net": net, "tax_rate": tax_rate, "tax": tax,
            "gross": net + tax}


def subscribe(workspace, plan, *, seats=1, months=1):
    """Put `workspace` on `plan` (creating or updating its one subscription)."""
    updated = (Subscription.update(plan=plan, seats=seats, period_months=months)
               .where(Subscription.workspace == workspace).execute())
    if not updated:
        Subscription.create(workspace=workspace, plan=plan, seats=seats, period_months=months)
    return Subscription.of(workspace).get()


def create_invoice(workspace, plan, seats, months, buyer, *, period_start, now, seller, tax_rate, kind="period",
                   amounts=None, period_end=None, method="card"):
    """An open invoice with the next number; `buyer` holds name, address, country, vat_id, email.

    A period invoice is priced by `quote`; seats added mid-period (`kind="seats"`) bring their `amounts`
    and `period_end`.
    """
    if not (buyer.get("name") or "").strip():
        raise BillingError("The invoice needs the buyer's name.")
    amounts = amounts or quote(plan, seats, months, period_start=period_start, tax_rate=tax_rate)
    for _attempt in range(5):  # two invoices racing for one number: the loser takes the next
        number = (Invoice.select(fn.MAX(Invoice.number)).scalar() or 0) + 1
        try:
            with db.database.atomic():
                invoice = Invoice.create(
                    number=number, workspace=workspace, seller=seller, buyer_name=buyer["name"].strip(),
                    buyer_address=buyer.get("address", ""), buyer_country=(buyer.get("country") or "").upper(),
                    buyer_vat_id=buyer.get("vat_id", ""), buyer_email=buyer.get("email", ""), plan=plan,
                    plan_name=plan.name, seats=seats, period_months=months, period_start=period_start,
                    period_end=period_end or add_months(period_start, months), currency=plan.currency,
                    kind=kind, method=method, issued_at=now, created_at=now, **amounts)
            break
        except IntegrityError:
            continue
    else:
        raise BillingError("Could not number the invoice; try again.")
    audit.record("invoice_created", now=now, workspace=workspace, number=number, gross=invoice.gross)
    return invoice


def change_invoice_status(invoice, status, *, now, actor=None, **details):
    """Move an invoice along `InvoiceStatus.TRANSITIONS` and write the audit row."""
    before = invoice.status
    if status not in InvoiceStatus.TRANSITIONS[before]:
        raise BillingError(f"Invoice {invoice.number} is {before}; it cannot become {status}.")
    with db.database.atomic():
        moved = (Invoice.update(status=status, paid_at=now if status == InvoiceStatus.PAID else Invoice.paid_at)
                 .where(Invoice.id == invoice.id, Invoice.status == before).execute())
        if not moved:
            raise BillingError(f"Invoice {invoice.number} changed meanwhile; look again.")
        invoice.status = status
        if status == InvoiceStatus.PAID:
            invoice.paid_at = now
        audit.record("invoice_status_changed", now=now, workspace=invoice.workspace, actor=actor,
                     number=invoice.number, before=before, after=status, **details)
    return invoice
