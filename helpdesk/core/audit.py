"""The audit log (R40): who did what, when, from where.

Workspace and actor are plain ids, not foreign keys, so the log keeps its
rows about a person even after the person is gone.
"""
import json

from flask import has_request_context, request
from peewee import CharField, IntegerField, TextField

from helpdesk.models import BaseModel


class AuditEntry(BaseModel):
    """One audited action."""

    workspace_id = IntegerField(null=True, index=True)
    actor_id = IntegerField(null=True, index=True)
    action = CharField(max_length=64, index=True)
    details = TextField(default="{}")
    ip = CharField(max_length=64, null=True)

    @property
    def detail_dict(self):
        return json.loads(self.details)


def record(action, *, now, workspace=None, actor=None, **details):
    """Write one audit row; the request's IP is added when there is a request."""
    return AuditEntry.create(
        action=action,
        workspace_id=workspace.id if workspace else None,
        actor_id=actor.id if actor else None,
        details=json.dumps(details, default=str, sort_keys=True),
        ip=request.remote_addr if has_request_context() else None,
        created_at=now,
    )
