"""A workspace's end users: the people who write in."""
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from helpdesk.core.clock import utcnow
from helpdesk.workspaces.models import TenantModel


class Organization(TenantModel):
    """A company its customers write from; customers join it by email domain or by hand."""

    name = CharField(max_length=200)
    domain = CharField(max_length=253, null=True)  # lower-cased, e.g. "acme.example"; None: joined by hand only

    class Meta:
        indexes = (
            (("workspace", "domain"), True),
            (("workspace", "name"), False),
        )


class Customer(TenantModel):
    """Someone who writes to the workspace, known by email (or by phone, for calls)."""

    email = CharField(null=True)  # stored lower-cased
    name = CharField(max_length=200, default="")
    phone = CharField(max_length=64, default="")
    notes = TextField(default="")
    updated_at = DateTimeField(default=utcnow)
    organization = ForeignKeyField(Organization, null=True, backref="customers", on_delete="SET NULL")

    class Meta:
        indexes = (
            (("workspace", "email"), True),
            (("workspace", "name"), False),
            (("organization", "id"), False),
        )

    @property
    def display_name(self):
        return self.name or self.email or self.phone or f"Customer {self.id}"


class CustomerEmail(TenantModel):
    """A further address of a customer (`Customer.email` is the first): mail from it lands on the same customer."""

    customer = ForeignKeyField(Customer, backref="other_emails", on_delete="CASCADE")
    email = CharField(max_length=254)  # lower-cased; unique in the workspace, also against Customer.email (services)

    class Meta:
        indexes = ((("workspace", "email"), True),)


MODELS = [Organization, Customer, CustomerEmail]
