"""A person's notifications (in-app, per workspace) and which of them they also want by email."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from helpdesk.accounts.models import User
from helpdesk.models import BaseModel
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import TenantModel


class Kind:
    MENTION, ASSIGNED, CUSTOMER_REPLY = "mention", "assigned", "customer_reply"
    ALL = (MENTION, ASSIGNED, CUSTOMER_REPLY)


class Notification(TenantModel):
    """Something on a ticket that `user` should know of; unread until `read_at`."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")  # who did it (None: the customer)
    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    kind = CharField(max_length=32)
    excerpt = CharField(max_length=200, default="")
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("workspace", "user", "id"), False),
            (("workspace", "user", "read_at", "id"), False),
        )


class NotificationPreference(BaseModel):
    """Which notifications a person also gets by email (all of them when no row exists)."""

    user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
    email_mentions = BooleanField(default=True)
    email_assignments = BooleanField(default=True)
    email_customer_replies = BooleanField(default=True)


EMAIL_FIELD = {Kind.MENTION: "email_mentions", Kind.ASSIGNED: "email_assignments",
               Kind.CUSTOMER_REPLY: "email_customer_replies"}

MODELS = [Notification, NotificationPreference]
