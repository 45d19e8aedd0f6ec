"""`flask billing ...`: the lifecycle run, restoring a cancelled workspace, plans, invoices and refunds."""
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from helpdesk.billing import services
from helpdesk.billing.deletion import restore_workspace
from helpdesk.billing.lifecycle import run_lifecycle
from helpdesk.billing.models import PERIODS, Invoice
from helpdesk.billing.payments import apply_payment
from helpdesk.billing.providers import provider
from helpdesk.billing.refunds import refund as refund_invoice
from helpdesk.billing.status import money
from helpdesk.core.clock import utcnow
from helpdesk.extensions import db
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import WorkspaceError

billing_cli = AppGroup("billing", help="Billing: the subscription lifecycle and plans.")
plans_cli = AppGroup("plans", help="List, create and edit plans.")
billing_cli.add_command(plans_cli)


def _moment(value):
    """--now as ISO time (UTC), default the clock."""
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO time such as 2027-01-03T06:00") from None
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


NOW_OPTION = click.option("--now", "now_text", metavar="ISO-TIME", help="Act as if it were this UTC time.")


@billing_cli.command("lifecycle")
@NOW_OPTION
def lifecycle(now_text):
    """Apply the lifecycle rules due now (what the daily job does); safe to run again."""
    with db.database.connection_context():
        done = run_lifecycle(_moment(now_text))
    click.echo(", ".join(f"{what}: {count}" for what, count in sorted(done.items()) if count) or "nothing due")


@billing_cli.command("restore")
@click.argument("slug")
@NOW_OPTION
def restore(slug, now_text):
    """Restore a workspace cancelled less than 14 days ago (R20)."""
    with db.database.connection_context():
        workspace = Workspace.get_or_none(Workspace.slug == slug)
        if workspace is None:
            raise click.ClickException(f"There is no workspace {slug}.")
        try:
            status = restore_workspace(workspace, now=_moment(now_text))
        except WorkspaceError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{slug} restored: {status}")


def _invoice(number):
    invoice = Invoice.get_or_none(Invoice.number == number)
    if invoice is None:
        raise click.ClickException(f"There is no invoice {number}.")
    return invoice


@billing_cli.command("mark-paid")
@click.argument("number", type=int)
def mark_paid(number):
    """Record a bank transfer for invoice NUMBER: the workspace gets what it bought (R9)."""
    with db.database.connection_context():
        invoice = _invoice(number)
        if invoice.method != "bank":
            raise click.ClickException(f"Invoice {number} is paid by card; the provider reports its payment.")
        outcome = apply_payment(invoice, now=utcnow(), payment_ref="bank transfer")
        invoice = _invoice(number)
    click.echo(f"invoice {number}: {outcome}" + (f" ({invoice.flag})" if invoice.flag else ""))


@billing_cli.command("refund")
@click.argument("number", type=int)
@click.option("--amount", type=int, help="Minor units (cents) to give back; default: the refund policy (R12).")
def refund(number, amount):
    """Refund invoice NUMBER: through the payment provider for cards, recorded for bank transfers."""
    with db.database.connection_context():
        invoice = _invoice(number)
        try:
            done = refund_invoice(invoice, now=utcnow(), provider=provider(), amount=amount,
                                  partial_months=current_app.config["REFUND_PARTIAL_MONTHS"])
        except services.BillingError as error:
            raise click.ClickException(str(error)) from None
    how = "through the payment provider" if invoice.method == "card" else "recorded: send the transfer yourself"
    click.echo(f"invoice {number}: refunded {money(done, invoice.currency)} ({how})")


@billing_cli.command("invoices")
@click.option("--flagged", is_flag=True, help="Only payments flagged for the operator to refund.")
def invoices(flagged):
    """Invoices, newest first, with their flags."""
    with db.database.connection_context():
        query = Invoice.select().order_by(Invoice.number.desc()).limit(200)
        for invoice in query.where(Invoice.flag != "") if flagged else query:
            click.echo(f"{invoice.number} {invoice.status} {invoice.method} {money(invoice.gross, invoice.currency)} "
                       f"{invoice.buyer_name}" + (f" FLAG: {invoice.flag}" if invoice.flag else ""))


def _plan_options(func):
    for months in reversed(PERIODS):
        func = click.option(f"--discount-{months}", f"discount_{months}", type=int,
                            help=f"Basis points off for {months} prepaid months (100 = 1 %).")(func)
    options = [
        click.option("--currency", help="Three-letter currency code (default EUR)."),
        click.option("--bank-transfer-periods", help="Periods payable by bank transfer, such as 12 or 6,12."),
        click.option("--free/--not-free", "is_free", default=None, help="The free plan (R17)."),
        click.option("--seat-limit", type=int, help="Most agents on the free plan."),
        click.option("--trial-seat-limit", type=int, help="Most agents during a trial."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _describe(plan):
    discounts = " ".join(f"{months}m:-{plan.discount(months) / 100:g}%" for months in PERIODS if plan.discount(months))
    flags = [f"free, {plan.seat_limit or 'any'} seats" if plan.is_free else "",
             f"bank transfer: {plan.bank_transfer_periods or 'no'}",
             f"retires {plan.retire_on:%Y-%m-%d}" if plan.retire_on else ""]
    return (f"{plan.name}: {money(plan.price_per_seat, plan.currency)} per seat per month"
            f"{' ' + discounts if discounts else ''}; " + "; ".join(flag for flag in flags if flag))


@plans_cli.command("list")
def list_plans():
    """Every plan with its price and discounts."""
    with db.database.connection_context():
        for plan in services.plans():
            click.echo(_describe(plan))


@plans_cli.command("create")
@click.argument("name")
@click.option("--price", type=int, required=True, help="Per seat per month in minor units (cents), tax excluded.")
@_plan_options
def create_plan(name, price, **options):
    """Create a plan."""
    with db.database.connection_context():
        try:
            plan = services.create_plan({"name": name, "price_per_seat": price, **options}, now=utcnow())
        except services.BillingError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"created {_describe(plan)}")


@plans_cli.command("edit")
@click.argument("name")
@click.option("--rename", help="A new name.")
@click.option("--price", type=int, help="A new price per seat (minor units), applying from --price-from.")
@click.option("--price-from", metavar="ISO-TIME", help="When the new price applies: at least 30 days away.")
@click.option("--retire-on", metavar="ISO-TIME", help="Stop selling the plan then: at least 3 months away.")
@_plan_options
def edit_plan(name, rename, price, price_from, retire_on, **options):
    """Edit a plan; a new price is scheduled (R11), never immediate."""
    now = utcnow()
    with db.database.connection_context():
        try:
            plan = services.find_plan(name)
            if price is not None:
                if not price_from:
                    raise services.BillingError("Say when the new price applies with --price-from.")
                change = services.schedule_price_change(plan, price, _moment(price_from), now=now)
                click.echo(f"{plan.name}: {money(price, plan.currency)} from {change.effective_at:%Y-%m-%d}")
            if retire_on:
                services.retire_plan(plan, _moment(retire_on), now=now)
            plan = services.edit_plan(plan, {"name": rename, **options}, now=now)
        except services.BillingError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"saved {_describe(plan)}")
