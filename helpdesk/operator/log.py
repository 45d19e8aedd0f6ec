"""The operator's log: every console (or `flask operator`) action is written twice, to the audit log
of the workspace it touched (`core.audit`, which the workspace's owner reads, and which goes with the
workspace when it is deleted) and to the operator's own log (`OperatorLogEntry`, which stays)."""
import json

from flask import has_request_context, request

from helpdesk.core import audit
from helpdesk.extensions import db
from helpdesk.operator.models import OperatorLogEntry

PAGE = 50


def record_action(operator, action, *, now, workspace=None, **details):
    """Write `action` (a short name such as "extend_trial") by `operator` to both logs."""
    with db.database.atomic():
        audit.record(f"operator.{action}", now=now, workspace=workspace, actor=operator, **details)
        OperatorLogEntry.create(
            operator=operator, action=action, created_at=now,
            workspace_id=workspace.id if workspace else None, workspace_slug=workspace.slug if workspace else "",
            details=json.dumps(details, default=str, sort_keys=True),
            ip=request.remote_addr if has_request_context() else None)


def operator_log(operator, *, before=None, limit=PAGE):
    """The operator's own actions, newest first, `limit` after the entry id `before` (keyset)."""
    query = OperatorLogEntry.select().where(OperatorLogEntry.operator == operator)
    if before:
        query = query.where(OperatorLogEntry.id < before)
    return list(query.order_by(OperatorLogEntry.id.desc()).limit(limit))
