"""Support access (R35): the owner opens the workspace to the operator for 1 or 7 days; only then may an
operator read it (nothing on those pages writes), and every visit is in the workspace's audit log."""
from datetime import timedelta

from peewee import JOIN

from helpdesk.accounts.models import User
from helpdesk.core import audit
from helpdesk.core.audit import AuditEntry
from helpdesk.extensions import db
from helpdesk.operator.log import record_action
from helpdesk.operator.models import SupportAccess
from helpdesk.workspaces.models import Role

DURATIONS = (1, 7)  # days the owner can choose
AUDIT_PAGE = 50


class SupportAccessError(Exception):
    """Refused; the message is meant for the person."""


def _require_owner(membership):
    if membership.role != Role.OWNER:
        raise SupportAccessError("Only the workspace's owner decides about support access.")


def current_grant(workspace, *, now):
    """The support access running now, or None."""
    return (SupportAccess.of(workspace)
            .where(SupportAccess.expires_at > now, SupportAccess.ended_at.is_null())
            .order_by(SupportAccess.expires_at.desc()).first())


def grant(workspace, membership, days, *, now):
    """The owner allows support access for `days` (1 or 7) from now; a running one is replaced."""
    _require_owner(membership)
    if days not in DURATIONS:
        raise SupportAccessError("Choose 1 or 7 days.")
    with db.database.atomic():
        _end_running(workspace, now)
        row = SupportAccess.create(workspace=workspace, granted_by_id=membership.user_id,
                                   expires_at=now + timedelta(days=days), created_at=now)
        audit.record("support_access_granted", now=now, workspace=workspace, actor=membership.user,
                     days=days, until=row.expires_at)
    return row


def end(workspace, membership, *, now):
    """The owner ends support access now. Returns whether one was running."""
    _require_owner(membership)
    with db.database.atomic():
        ended = _end_running(workspace, now)
        if ended:
            audit.record("support_access_ended", now=now, workspace=workspace, actor=membership.user)
    return bool(ended)


def _end_running(workspace, now):
    return (SupportAccess.update(ended_at=now)
            .where(SupportAccess.workspace == workspace, SupportAccess.expires_at > now,
                   SupportAccess.ended_at.is_null()).execute())


def open_for_support(workspace, operator, page, *, now):
    """An operator's visit of `page` in `workspace`: refused without a running grant, else audited
    (the workspace's audit log and the operator's). Returns the grant."""
    running = current_grant(workspace, now=now)
    if running is None:
        raise SupportAccessError("The owner has not turned on support access for this workspace.")
    record_action(operator, "support_visit", now=now, workspace=workspace, page=page)
    return running


def audit_log(workspace, *, before=None, limit=AUDIT_PAGE):
    """The workspace's audit log for its owner, newest first, in keyset pages (with who acted)."""
    query = (AuditEntry.select(AuditEntry, User.name.alias("actor_name"), User.email.alias("actor_email"),
                               User.is_operator.alias("actor_is_operator"))
             .join(User, on=(AuditEntry.actor_id == User.id), join_type=JOIN.LEFT_OUTER)
             .where(AuditEntry.workspace_id == workspace.id))
    if before:
        query = query.where(AuditEntry.id < before)
    rows = list(query.order_by(AuditEntry.id.desc()).limit(limit + 1).objects())
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)
