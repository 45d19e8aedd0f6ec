"""The console's list of workspaces: search, filters and keyset pages in one query per page.

Tickets are the highest ticket number (numbers count per workspace: one probe of the
(workspace, number) index) and the last activity the latest sign-in of a member, both scalar
subqueries evaluated only for the rows of the page.
"""
from peewee import JOIN, fn

from helpdesk.accounts.models import User
from helpdesk.billing.models import Plan, Subscription
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import Membership, Workspace

PAGE = 50


def list_workspaces(*, search="", state="", plan_id=None, after=None, limit=PAGE):
    """One page of workspaces, newest first (id order), with plan, seats, tickets and last activity.
    `after` is the id of the last row of the previous page. Returns (rows, next cursor or None)."""
    tickets = Ticket.select(fn.MAX(Ticket.number)).where(Ticket.workspace == Workspace.id)
    activity = (Membership.select(fn.MAX(User.last_sign_in_at)).join(User)
                .where(Membership.workspace == Workspace.id))
    query = (Workspace.select(Workspace, Subscription.seats.alias("seats"), Plan.name.alias("plan_name"),
                              tickets.alias("tickets"), activity.alias("last_activity"))
             .join(Subscription, JOIN.LEFT_OUTER, on=(Subscription.workspace == Workspace.id))
             .join(Plan, JOIN.LEFT_OUTER, on=(Subscription.plan == Plan.id)))
    search = (search or "").strip()
    if search:
        # contains(): a case-insensitive LIKE with the search's own % and _ escaped.
        query = query.where(Workspace.name.contains(search) | Workspace.slug.contains(search))
    if state in Workspace.STATUSES:  # else every state but deleted (its rows are tombstones)
        query = query.where(Workspace.status == state)
    else:
        query = query.where(Workspace.status != Workspace.DELETED)
    if plan_id:
        query = query.where(Subscription.plan == plan_id)
    if after:
        query = query.where(Workspace.id < after)
    rows = list(query.order_by(Workspace.id.desc()).limit(limit + 1).objects())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more else None)
