"""The console's list of workspaces: search, filters and keyset pages in one query per page.

Tickets are the highest ticket number (numbers count per workspace: one probe of the
(workspace, number) index) and the last activity the latest sign-in of a member, both scalar
subqueries evaluated only for the rows read (a filter on them evaluates them for the rows it
scans, each an index probe, until the page is full).
"""
from datetime import datetime

from peewee import JOIN, fn

from helpdesk.accounts.models import User
from helpdesk.billing.models import Plan, Subscription
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import Membership, Workspace

PAGE = 50
NEVER = datetime(1970, 1, 1)  # the last sign-in of a workspace nobody signed in to


def list_workspaces(*, search="", state="", plan_id=None, seats=(None, None), tickets=(None, None), paid_before=None,
                    inactive_since=None, after=None, limit=PAGE):
    """One page of workspaces, newest first (id order), with plan, seats, tickets and last activity.
    `seats` and `tickets` are (at least, at most) with None for no bound; `paid_before` keeps those paid
    until before that moment, `inactive_since` those where no member signed in since then (or ever).
    `after` is the id of the last row of the previous page. Returns (rows, next cursor or None)."""
    ticket_count = Ticket.select(fn.MAX(Ticket.number)).where(Ticket.workspace == Workspace.id)
    activity = (Membership.select(fn.MAX(User.last_sign_in_at)).join(User)
                .where(Membership.workspace == Workspace.id))
    query = (Workspace.select(Workspace, Subscription.seats.alias("seats"), Plan.name.alias("plan_name"),
                              ticket_count.alias("tickets"), activity.alias("last_activity"))
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
    order = Workspace.id
    if plan_id:
        # Ordered by the subscription's workspace (the same value, by the join): read in the order of the
        # (plan, workspace) index, a page costs its rows, where ordering by Workspace.id sorted every
        # workspace on the plan (and computed their subqueries) first.
        query = query.where(Subscription.plan == plan_id)
        order = Subscription.workspace
    query = _between(query, Subscription.seats, *seats)
    query = _between(query, fn.COALESCE(ticket_count, 0), *tickets)
    if paid_before:
        query = query.where(Workspace.paid_until < paid_before)
    if inactive_since:
        query = query.where(fn.COALESCE(activity, NEVER) < inactive_since)
    if after:
        query = query.where(order < after)
    rows = list(query.order_by(order.desc()).limit(limit + 1).objects())
    more = len(rows) > limit
    rows = rows[:limit]
    for row in rows:  # a subquery's MAX comes back as text on SQLite
        row.last_activity = User.last_sign_in_at.python_value(row.last_activity)
    return rows, (rows[-1].id if more else None)


def _between(query, value, least, most):
    if least is not None:
        query = query.where(value >= least)
    if most is not None:
        query = query.where(value <= most)
    return query
