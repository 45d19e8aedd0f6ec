"""Workspaces, their members and invitations; `TenantModel` for every tenant table."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from helpdesk.accounts.models import User
from helpdesk.models import BaseModel


class Workspace(BaseModel):
    """A team that runs its support here; its pages live under /w/<slug>/."""

    TRIAL, ACTIVE, LAPSED, CANCELLED = "trial", "active", "lapsed", "cancelled"
    STATUSES = (TRIAL, ACTIVE, LAPSED, CANCELLED)

    name = CharField(max_length=120)
    slug = CharField(max_length=63, unique=True)
    status = CharField(max_length=16, default=TRIAL, index=True)
    trial_ends_at = DateTimeField(null=True)
    paid_until = DateTimeField(null=True)
    load_remote_images = BooleanField(default=False)  # R28: mail images from the web are shown only when on


class TenantModel(BaseModel):
    """A row that belongs to one workspace. Query it only through `of(workspace)`."""

    workspace = ForeignKeyField(Workspace, on_delete="CASCADE")

    @classmethod
    def of(cls, workspace, *fields):
        """A select of this model limited to `workspace`: the one door to tenant data."""
        return cls.select(*fields).where(cls.workspace == workspace)


class Role:
    """Member roles, most powerful first (R5)."""

    OWNER, ADMIN, AGENT = "owner", "admin", "agent"
    ALL = (OWNER, ADMIN, AGENT)
    ASSIGNABLE = (ADMIN, AGENT)  # the owner role moves only by transfer
    LABELS = {OWNER: "Owner", ADMIN: "Admin", AGENT: "Agent"}


class Membership(TenantModel):
    """A person's role in a workspace."""

    user = ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    role = CharField(max_length=16, default=Role.AGENT)

    class Meta:
        indexes = ((("workspace", "user"), True),)

    @property
    def can_manage_members(self):
        return self.role in (Role.OWNER, Role.ADMIN)

    @property
    def is_owner(self):
        return self.role == Role.OWNER


class Invitation(TenantModel):
    """An emailed invitation to join a workspace, valid for 7 days, used once."""

    email = CharField()
    role = CharField(max_length=16, default=Role.AGENT)
    token_hash = CharField(unique=True)
    invited_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    expires_at = DateTimeField()
    accepted_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)


class TrialClaim(BaseModel):
    """A free trial taken: by normalized email and, for company addresses, by domain (R3)."""

    email_key = CharField(index=True)
    domain_key = CharField(null=True, index=True)
    workspace = ForeignKeyField(Workspace, null=True, on_delete="SET NULL")


MODELS = [Workspace, Membership, Invitation, TrialClaim]
