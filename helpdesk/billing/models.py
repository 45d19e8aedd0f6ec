"""Billing: plans and their prices, a workspace's subscription, invoices, lifecycle notices, deletions.

Money is integer minor units (cents) with a currency, never floats; discounts and tax rates are
basis points (1 % = 100).
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.models import BaseModel
from helpdesk.workspaces.models import TenantModel, Workspace

PERIODS = (1, 3, 6, 12)  # prepaid months (R8)


class Plan(BaseModel):
    """What the operator sells: a price per agent seat per month, cheaper for longer prepaid periods."""

    name = CharField(max_length=80, unique=True)
    currency = CharField(max_length=3, default="EUR")  # ISO 4217
    price_per_seat = IntegerField()  # minor units per seat per month, tax excluded (R8)
    discount_1 = IntegerField(default=0)  # basis points off for each prepaid period
    discount_3 = IntegerField(default=0)
    discount_6 = IntegerField(default=0)
    discount_12 = IntegerField(default=0)
    bank_transfer_periods = CharField(max_length=16, default="12")  # periods payable by invoice (R9)
    is_free = BooleanField(default=False)  # the free plan (R17): no payment, a seat limit
    seat_limit = IntegerField(null=True)  # free plan: most agents; null = no limit
    trial_seat_limit = IntegerField(default=3)  # agents during a trial on this plan (R10)
    retire_on = DateTimeField(null=True)  # announced >= 3 months ahead; moves workspaces at renewal (R11)

    def discount(self, months):
        """Basis points off for a prepaid period of `months`."""
        return getattr(self, f"discount_{months}")

    @property
    def bank_transfer_months(self):
        return tuple(int(part) for part in self.bank_transfer_periods.split(",") if part)


class PriceChange(BaseModel):
    """A new price, announced at least 30 days ahead; periods bought from `effective_at` pay it (R11)."""

    plan = ForeignKeyField(Plan, backref="price_changes", on_delete="CASCADE")
    price_per_seat = IntegerField()
    effective_at = DateTimeField()

    class Meta:
        indexes = ((("plan", "effective_at"), True),)


class Subscription(TenantModel):
    """The plan a workspace is on and how many seats it holds (one per workspace)."""

    workspace = ForeignKeyField(Workspace, unique=True, on_delete="CASCADE")
    plan = ForeignKeyField(Plan, on_delete="RESTRICT")
    seats = IntegerField(default=1)
    period_months = IntegerField(default=1)

    class Meta:
        indexes = ((("plan", "workspace"), False),)  # the console's workspace list filtered by plan, in order


class InvoiceStatus:
    """Invoice states and the moves between them (one place)."""

    OPEN, PAID, VOID, REFUNDED = "open", "paid", "void", "refunded"  # refunded: in full
    TRANSITIONS = {OPEN: {PAID, VOID}, PAID: {REFUNDED}, VOID: set(), REFUNDED: set()}


class Invoice(BaseModel):
    """A bill with a sequential number per operator: seller, buyer, net, tax, gross.

    Not a tenant table: the operator keeps invoices for its books after the workspace is
    deleted (the buyer's details are copied onto the invoice; the link becomes null).
    """

    number = IntegerField(unique=True)
    workspace = ForeignKeyField(Workspace, null=True, on_delete="SET NULL")
    status = CharField(max_length=16, default=InvoiceStatus.OPEN, index=True)
    seller = TextField()
    buyer_name = CharField(max_length=200)
    buyer_address = TextField(default="")
    buyer_country = CharField(max_length=2, default="")
    buyer_vat_id = CharField(max_length=32, default="")
    plan = ForeignKeyField(Plan, null=True, on_delete="SET NULL")  # what paying it buys; the name stays
    plan_name = CharField(max_length=80)
    seats = IntegerField()
    period_months = IntegerField()
    period_start = DateTimeField()
    period_end = DateTimeField()
    currency = CharField(max_length=3)
    unit_price = IntegerField()  # per seat per month, before the period discount
    discount = IntegerField(default=0)  # basis points
    net = IntegerField()
    tax_rate = IntegerField()  # basis points
    tax = IntegerField()
    gross = IntegerField()
    issued_at = DateTimeField()
    paid_at = DateTimeField(null=True)
    kind = CharField(max_length=16, default="period")  # period: a prepaid period; seats: seats added mid-period
    method = CharField(max_length=16, default="card")  # card (the provider's checkout) or bank (transfer)
    buyer_email = CharField(max_length=254, default="")  # who asked for it; the receipt goes there
    provider_ref = CharField(max_length=255, null=True, index=True)  # the provider's checkout session
    payment_ref = CharField(max_length=255, null=True)  # the provider's payment, for refunds
    decline_reason = TextField(default="")  # why the last card payment failed; the invoice stays open
    refunded = IntegerField(default=0)  # minor units given back so far (R12)
    flag = TextField(default="")  # for the operator: a payment to give back (cancelled, deleted, void)


class WebhookEvent(BaseModel):
    """A provider event applied once: its id is stored with the transaction that applied it."""

    event_id = CharField(max_length=255, unique=True)
    type = CharField(max_length=100)
    outcome = CharField(max_length=100)


class LifecycleNotice(TenantModel):
    """A lifecycle email claimed once: unique by (workspace, kind, period) whatever runs the job."""

    kind = CharField(max_length=32)
    period = CharField(max_length=32)  # the date the notice is about (period end, deletion day)
    claimed_at = DateTimeField()
    email_id = IntegerField(null=True)  # the SystemEmail sent; null while claimed but not yet sent

    class Meta:
        indexes = ((("workspace", "kind", "period"), True),)


class Deletion(BaseModel):
    """The deletion of a workspace's data, in batches, with its progress (R21).

    Kept after the purge, with the workspace's tombstone row, as the operator's record.
    """

    workspace = ForeignKeyField(Workspace, unique=True, on_delete="CASCADE")
    reason = CharField(max_length=32)
    started_at = DateTimeField()
    finished_at = DateTimeField(null=True)
    rows_deleted = IntegerField(default=0)


MODELS = [Plan, PriceChange, Subscription, Invoice, WebhookEvent, LifecycleNotice, Deletion]
