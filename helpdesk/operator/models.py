"""Operators' second factor (TOTP and recovery codes), the sign-ins that passed it, and the
operator's own log of actions.

An operator is a `User` with `is_operator` set (its own sign-in, sessions and password reset);
these tables add what only operators have. None of them but `SupportAccess` is a tenant
table: the operator's log outlives the workspaces it names.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.accounts.models import User, UserSession
from helpdesk.core.crypto import register_encrypted
from helpdesk.models import BaseModel
from helpdesk.workspaces.models import TenantModel


class OperatorFactor(BaseModel):
    """An operator's TOTP secret (encrypted), confirmed once a code made with it was typed."""

    user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
    secret = TextField()  # core.crypto token of the base32 secret
    confirmed_at = DateTimeField(null=True)
    last_timestep = IntegerField(default=0)  # the newest 30-second step used: a code works once


class RecoveryCode(BaseModel):
    """A single-use code for an operator without their authenticator; only its hash is stored."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    code_hash = CharField(unique=True)
    used_at = DateTimeField(null=True)


class OperatorSignIn(BaseModel):
    """A sign-in (`UserSession`) in which the operator passed the second factor; it ends with it."""

    user_session = ForeignKeyField(UserSession, unique=True, on_delete="CASCADE")
    method = CharField(max_length=16)  # totp, recovery
    expires_at = DateTimeField()


class OperatorLogEntry(BaseModel):
    """One operator action: the operator's own log (the workspace's audit log gets a row too)."""

    operator = ForeignKeyField(User, on_delete="CASCADE")
    workspace_id = IntegerField(null=True, index=True)
    workspace_slug = CharField(max_length=63, default="")
    action = CharField(max_length=64)
    details = TextField(default="{}")
    ip = CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("operator", "id"), False),)


class SupportAccess(TenantModel):
    """R35: the owner lets the operator open the workspace, read-only, until `expires_at` (or `ended_at`)."""

    granted_by_id = IntegerField()  # the owner's user id (a plain id: the row outlives a change of owner)
    expires_at = DateTimeField()
    ended_at = DateTimeField(null=True)  # the owner ended it early


register_encrypted(OperatorFactor, "secret")

MODELS = [OperatorFactor, RecoveryCode, OperatorSignIn, OperatorLogEntry, SupportAccess]
