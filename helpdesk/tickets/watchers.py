"""Ticket watchers: agents who follow a ticket they may not hold.

A watcher hears of each customer reply in the notifications menu, as the assignee does
(`notifications.services.customer_wrote`); merging moves the watchers with the messages.
"""
from peewee import ForeignKeyField, IntegrityError, fn

from helpdesk.accounts.models import User
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import TicketError
from helpdesk.workspaces.models import Membership, TenantModel


class TicketWatcher(TenantModel):
    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")

    class Meta:
        indexes = ((("ticket", "user"), True),)


MODELS = [TicketWatcher]


def watch(ticket, user_id, *, now):
    """`user_id` (a member of the ticket's workspace) watches `ticket`; watching twice changes nothing."""
    if not Membership.of(ticket.workspace_id).where(Membership.user == user_id).exists():
        raise TicketError("Only members of this workspace can watch its tickets.")
    try:
        with db.database.atomic():
            TicketWatcher.create(workspace=ticket.workspace_id, ticket=ticket, user=user_id, created_at=now)
    except IntegrityError:  # watching already (another tab, a double click)
        pass


def unwatch(ticket, user_id):
    """Stop watching. Returns whether `user_id` was watching."""
    return bool(TicketWatcher.delete().where(TicketWatcher.ticket == ticket, TicketWatcher.user == user_id).execute())


def watching_flag(ticket_id, user_id):
    """The SQL of `is_watching`, for a column of a larger select (the ticket page keeps its query count)."""
    return fn.EXISTS(TicketWatcher.select(TicketWatcher.id)
                     .where(TicketWatcher.ticket == ticket_id, TicketWatcher.user == user_id))


def watcher_ids(ticket):
    """The ids of the ticket's watchers (one query)."""
    return [user_id for (user_id,) in TicketWatcher.select(TicketWatcher.user)
            .where(TicketWatcher.ticket == ticket).order_by(TicketWatcher.id).tuples()]


def move_watchers(source, target):
    """Merging: `source`'s watchers watch `target` (once each); `source` keeps none."""
    on_target = TicketWatcher.select(TicketWatcher.user).where(TicketWatcher.ticket == target)
    TicketWatcher.update(ticket=target).where(TicketWatcher.ticket == source,
                                              TicketWatcher.user.not_in(on_target)).execute()
    TicketWatcher.delete().where(TicketWatcher.ticket == source).execute()
