"""A workspace's end users: the people who write in."""
from peewee import CharField, DateTimeField, TextField

from helpdesk.core.clock import utcnow
from helpdesk.workspaces.models import TenantModel


class Customer(TenantModel):
    """Someone who writes to the workspace, known by email (or by phone, for calls)."""

    email = CharField(null=True)  # stored lower-cased
    name = CharField(max_length=200, default="")
    phone = CharField(max_length=64, default="")
    notes = TextField(default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("workspace", "email"), True),
            (("workspace", "name"), False),
        )

    @property
    def display_name(self):
        return self.name or self.email or self.phone or f"Customer {self.id}"


MODELS = [Customer]
