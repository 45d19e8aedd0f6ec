"""Workspaces, their members and invitations; `TenantModel` for every tenant table."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.accounts.models import User
from helpdesk.models import BaseModel


class Workspace(BaseModel):
    """A team that runs its support here; its pages live under /w/<slug>/."""

    TRIAL, ACTIVE, LAPSED, CANCELLED = "trial", "active", "lapsed", "cancelled"
    SUSPENDED, DELETED = "suspended", "deleted"  # by the operator; gone (the row stays as a tombstone)
    STATUSES = (TRIAL, ACTIVE, LAPSED, CANCELLED, SUSPENDED, DELETED)
    INITIAL = (TRIAL, LAPSED)  # a workspace is created in trial, or read-only when its owner had one (R3)
    # Where each state may go; `workspaces.services.change_status` is the one function that moves.
    TRANSITIONS = {
        TRIAL: {ACTIVE, LAPSED, CANCELLED, SUSPENDED, DELETED},
        ACTIVE: {LAPSED, CANCELLED, SUSPENDED, DELETED},
        LAPSED: {TRIAL, ACTIVE, CANCELLED, SUSPENDED, DELETED},  # trial: the operator extends an ended trial
        CANCELLED: {TRIAL, ACTIVE, LAPSED, DELETED},  # restored within 14 days (R20), else purged
        SUSPENDED: {TRIAL, ACTIVE, LAPSED, DELETED},
        DELETED: set(),
    }

    name = CharField(max_length=120)
    slug = CharField(max_length=63, unique=True)
    status = CharField(max_length=16, default=TRIAL, index=True)
    trial_ends_at = DateTimeField(null=True)
    paid_until = DateTimeField(null=True)
    free_plan = BooleanField(default=False)  # on the operator's free plan: active with no end date (R17)
    # When the current state began: for a lapsed workspace the end of its trial or period (R15, R16).
    status_changed_at = DateTimeField(null=True)
    load_remote_images = BooleanField(default=False)  # R28: mail images from the web are shown only when on
    timezone = CharField(max_length=64, null=True)  # the members' default (`core.timefmt`); None: UTC
    # Business details for invoices (`billing` fills the buy form from them); settings page.
    business_name = CharField(max_length=200, default="")
    business_address = TextField(default="")
    business_country = CharField(max_length=2, default="")
    business_vat_id = CharField(max_length=32, default="")
    undo_send_seconds = IntegerField(default=10)  # a reply waits this long for an Undo before it goes out; 0: at once


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
    may_edit_knowledge = BooleanField(default=False)  # an agent granted "may edit the knowledge base"
    may_bill = BooleanField(default=False)  # an admin granted billing by the owner (R5)

    class Meta:
        indexes = ((("workspace", "user"), True),)

    @property
    def can_manage_members(self):
        return self.role in (Role.OWNER, Role.ADMIN)

    @property
    def can_edit_knowledge(self):
        """Owners and admins always; agents when granted on the members page."""
        return self.can_manage_members or self.may_edit_knowledge

    @property
    def can_bill(self):
        """R5: the owner, and admins the owner granted billing, see "Your plan", pay and cancel."""
        return self.role == Role.OWNER or (self.role == Role.ADMIN and self.may_bill)

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


class FormerSlug(TenantModel):
    """A help-center and workspace address a workspace used before: it redirects, and nobody else may take it."""

    slug = CharField(max_length=63, unique=True)


class TrialClaim(BaseModel):
    """A free trial taken: by normalized email and, for company addresses, by domain (R3)."""

    email_key = CharField(index=True)
    domain_key = CharField(null=True, index=True)
    workspace = ForeignKeyField(Workspace, null=True, on_delete="SET NULL")


MODELS = [Workspace, Membership, Invitation, FormerSlug, TrialClaim]
