"""A workspace as the operator sees it: owner, plan, invoices and its timeline (sign-up, payments,
state changes, lifecycle emails, operator actions), each read by one bounded query."""
from collections import namedtuple

from helpdesk.billing.models import Invoice, LifecycleNotice, Plan, Subscription
from helpdesk.core.audit import AuditEntry
from helpdesk.operator.services import owner_of
from helpdesk.operator.support import current_grant
from helpdesk.workspaces.models import Workspace

TIMELINE_LIMIT = 200
# The audit rows that belong on the timeline (the rest, such as sign-ins, are in the audit log).
TIMELINE_ACTIONS = ("workspace_created", "workspace_status_changed", "invoice_created", "invoice_status_changed",
                    "invoice_refunded", "payment_declined", "payment_flagged", "support_access_granted",
                    "support_access_ended")

Event = namedtuple("Event", "at kind text details")


def find_workspace(workspace_id):
    return Workspace.get_or_none(Workspace.id == workspace_id)


def timeline(workspace):
    """The workspace's events, newest first."""
    events = [Event(workspace.created_at, "signup", "signed up", {})]
    audits = (AuditEntry.select()
              .where(AuditEntry.workspace_id == workspace.id,
                     AuditEntry.action.in_(TIMELINE_ACTIONS) | AuditEntry.action.startswith("operator."))
              .order_by(AuditEntry.id.desc()).limit(TIMELINE_LIMIT))
    events += [Event(entry.created_at, "audit", entry.action, entry.detail_dict) for entry in audits]
    notices = (LifecycleNotice.of(workspace).order_by(LifecycleNotice.id.desc()).limit(TIMELINE_LIMIT))
    events += [Event(notice.claimed_at, "email", f"email: {notice.kind}",
                     {"about": notice.period, "sent": notice.email_id is not None}) for notice in notices]
    return sorted(events, key=lambda event: event.at, reverse=True)[:TIMELINE_LIMIT]


def overview(workspace, *, now):
    """Everything the workspace page shows."""
    subscription = (Subscription.select(Subscription, Plan).join(Plan)
                    .where(Subscription.workspace == workspace).first())
    invoices = list(Invoice.select().where(Invoice.workspace == workspace)
                    .order_by(Invoice.number.desc()).limit(50))
    return {"owner": owner_of(workspace), "subscription": subscription, "invoices": invoices,
            "timeline": timeline(workspace), "support_grant": current_grant(workspace, now=now)}
