"""Cancellation, restore and deletion of a workspace (R18-R21).

Deletion has two steps. `start_deletion` is one short transaction: the workspace becomes
`deleted` and loses its members and invitations, so nobody reaches it any more. Then
`purge_workspace` (a job) removes the rest in batches of `BATCH` rows, one transaction
each, so a million tickets never hold a long lock or fill the memory: search documents,
every tenant table of `all_models()` children first, the stored files, the audit rows.
The `Deletion` row counts progress; an interrupted purge is resumed by the daily job.
People keep their accounts, and their trial stays used (R3). What remains is the
workspace's tombstone row, its `Deletion` record, one audit row, and its invoices,
detached, which the operator must keep for its books.
"""
import time
from datetime import timedelta


from helpdesk.accounts.models import User
from helpdesk.billing.models import Deletion
from helpdesk.billing.timeline import lapse_date, long_date, purge_date
from helpdesk.core import audit, storage
from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import send_email
from helpdesk.core.passwords import check_password
from helpdesk.core.urls import request_context
from helpdesk.extensions import db, is_postgres
from helpdesk.jobs import enqueue, job
from helpdesk.models import all_models
from helpdesk.tickets import search
from helpdesk.workspaces.models import Invitation, Membership, TenantModel, Workspace
from helpdesk.workspaces.services import WorkspaceError, change_status

BATCH = 1000


def cancel_workspace(workspace, actor, *, password, typed_name, now):
    """R18/R19: the owner cancels, confirming with the password and the workspace's name; at once
    nobody signs in, mail stops. Returns the day the data will be purged (R20)."""
    if not actor.can_bill:
        raise WorkspaceError("Only the owner, or an admin granted billing, can cancel the workspace.")
    user = User.get_by_id(actor.user_id)
    if not check_password(user.password_hash, password or ""):
        raise WorkspaceError("That password is not right; the workspace was not cancelled.")
    if (typed_name or "").strip().casefold() != workspace.name.strip().casefold():
        raise WorkspaceError(f"Type the workspace's name, {workspace.name}, to confirm.")
    if not change_status(workspace, Workspace.CANCELLED, now=now, actor=user, reason="cancelled_by_owner"):
        raise WorkspaceError("The workspace changed meanwhile; look again.")
    purged_on = purge_date(workspace)
    with request_context():
        subject = _("%(workspace)s was cancelled", workspace=workspace.name)
    send_email(user.email, subject, "billing_cancelled", workspace=workspace, owner=user, long_date=long_date,
               cancelled_on=now, purged_on=purged_on)
    return purged_on


def restore_workspace(workspace, *, now, actor=None):
    """R20: bring a cancelled workspace back within 14 days, in the state its dates give it."""
    if workspace.status != Workspace.CANCELLED:
        raise WorkspaceError(f"{workspace.slug} is {workspace.status}, not cancelled.")
    if now >= purge_date(workspace):
        raise WorkspaceError(f"{workspace.slug} was cancelled more than 14 days ago and cannot be restored.")
    status, since = state_by_dates(workspace, now=now)
    change_status(workspace, status, now=now, actor=actor, since=since, reason="restored")
    return status


def state_by_dates(workspace, *, now):
    """(state, since) that a workspace taken out of cancellation or suspension gets from its dates."""
    if workspace.free_plan or (workspace.paid_until and workspace.paid_until > now):
        return Workspace.ACTIVE, now
    if workspace.paid_until is None and workspace.trial_ends_at and workspace.trial_ends_at > now:
        return Workspace.TRIAL, now
    return Workspace.LAPSED, lapse_date(workspace)  # read-only again, counted from the end of its period


def start_deletion(workspace, *, reason, now, actor=None):
    """Mark the workspace deleted and shut it (members, invitations); queue the purge. Returns the
    `Deletion`, or None when another run got there first."""
    with db.database.atomic():
        if not change_status(workspace, Workspace.DELETED, now=now, actor=actor, reason=reason):
            return None
        deleted = Membership.delete().where(Membership.workspace == workspace).execute()
        deleted += Invitation.delete().where(Invitation.workspace == workspace).execute()
        for model in _linked_models():  # R3's trial claims and the operator's invoices stay, unlinked
            model.update(workspace=None).where(model.workspace == workspace).execute()
        deletion = Deletion.create(workspace=workspace, reason=reason, started_at=now, created_at=now,
                                   rows_deleted=deleted)
    enqueue(purge_workspace_job, deletion.id)
    return deletion


def _tenant_models():
    """Every tenant table, children first, so no batch cascades into another table's rows."""
    return [model for model in reversed(all_models()) if issubclass(model, TenantModel)]


def _linked_models():
    """Other tables that point at a workspace by a nullable link."""
    return [model for model in all_models() if not issubclass(model, TenantModel)
            and "workspace" in model._meta.fields and model._meta.fields["workspace"].null]


def _delete_batch(model, condition, batch):
    ids = model.select(model.id).where(condition).limit(batch)
    with db.database.atomic():
        return model.delete().where(model.id.in_(ids)).execute()


def _delete_search_batch(workspace_id, batch):
    """Search documents are not a model: tickets.search deletes them."""
    with db.database.atomic():
        return search.delete_workspace_documents(workspace_id, batch)


def _stand_aside(busy_seconds):
    """Let other writers in between two batches. SQLite has one writer at a time and a waiting one only
    polls (every 100 ms at the most): a purge that began its next batch right after each commit would
    starve them (a write waited 8.9 s while a 1M-ticket workspace was purged). Pausing as long as the
    batch took gives each poll an even chance; the purge takes twice as long. PostgreSQL locks rows."""
    if not is_postgres():
        time.sleep(busy_seconds)


def purge_workspace(deletion_id, *, now, batch=BATCH):
    """Delete everything left of a deleted workspace, `batch` rows per transaction; safe to rerun."""
    deletion = Deletion.get_or_none(Deletion.id == deletion_id)
    if deletion is None or deletion.finished_at is not None:
        return deletion
    workspace_id = deletion.workspace_id
    # A search document costs about four rows' time to delete (each of its words): a quarter batch keeps
    # that transaction as short as the others (at 1M tickets: 0.4 s against 0.09 s a batch of messages).
    steps = [lambda: _delete_search_batch(workspace_id, max(1, batch // 4))]
    steps += [lambda m=model: _delete_batch(m, m.workspace == workspace_id, batch) for model in _tenant_models()]
    for step in steps:
        while True:
            started = time.perf_counter()
            deleted = step()
            if not deleted:
                break
            Deletion.update(rows_deleted=Deletion.rows_deleted + deleted).where(Deletion.id == deletion_id).execute()
            _stand_aside(time.perf_counter() - started)
    storage.delete_workspace_files(workspace_id)
    while _delete_batch(AuditEntry, AuditEntry.workspace_id == workspace_id, batch):
        pass  # the workspace's own log goes with it; the record of the deletion is written below
    workspace = Workspace.get_by_id(workspace_id)
    with db.database.atomic():
        # The tombstone keeps no name, and frees the address (slugify never makes a dot).
        Workspace.update(name="", slug=f"deleted.{workspace_id}").where(Workspace.id == workspace_id).execute()
        Deletion.update(finished_at=now).where(Deletion.id == deletion_id).execute()
        audit.record("workspace_deleted", now=now, workspace=workspace, reason=deletion.reason)
    return Deletion.get_by_id(deletion_id)


@job
def purge_workspace_job(deletion_id):
    """The purge as a job (idempotent: a rerun goes on where the last one stopped)."""
    purge_workspace(deletion_id, now=utcnow())


def resume_deletions(*, now):
    """Queue the purge of every deletion left unfinished for an hour (a crashed or lost job); returns how many."""
    unfinished = [d.id for d in Deletion.select(Deletion.id).where(
        Deletion.finished_at.is_null(), Deletion.started_at <= now - timedelta(hours=1))]
    for deletion_id in unfinished:
        enqueue(purge_workspace_job, deletion_id)
    return len(unfinished)
