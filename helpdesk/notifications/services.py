"""Who hears of what: mentions in notes, assignments, customer replies; read state; email preferences.

The tickets domain calls `note_added`, `ticket_assigned` and `customer_wrote` (the assignee and the
watchers of `tickets.watchers`) by name (imports point one way: notifications import tickets). Each writes in-app rows in the caller's transaction; the emails are
system mail (`core.mailer.send_email`: a stored row and a job with retries), sent only to people who
want them (`NotificationPreference`, all kinds by default).
"""
import re

from peewee import JOIN, fn

from helpdesk.accounts.models import User
from helpdesk.core.inserts import create_row
from helpdesk.core.mailer import send_email
from helpdesk.core.urls import external_url
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import assignable_agents, preview_of
from helpdesk.tickets.watchers import watcher_ids
from helpdesk.workspaces.models import Workspace
from helpdesk.notifications.models import EMAIL_FIELD, Kind, Notification, NotificationPreference

MENU_SIZE = 15
UNREAD_COUNT_CAP = 99  # the badge says "99+" past this; the count reads at most 100 index entries
SUGGESTIONS = 8

Actor = User.alias("actor")


def mentioned_members(workspace_id, text):
    """Members whose name follows an `@` in `text` (`@Ann Lee`), longest names first so 'Ann Lee' wins over 'Ann'."""
    found, rest = [], text
    for member in sorted(assignable_agents(workspace_id), key=lambda m: -len(m.name)):
        pattern = re.compile(r"(?<![\w@])@" + re.escape(member.name) + r"(?!\w)", re.IGNORECASE)
        if member.name.strip() and pattern.search(rest):
            found.append(member)
            rest = pattern.sub(" ", rest)
    return found


def _suggested(member, query):
    """`@an` finds Ann Example by her first name, `@ex` by her last, `@ann e` by her name, `@ann@` by her email."""
    name = " ".join(member.name.lower().split())
    return (name.startswith(query) or any(word.startswith(query) for word in name.split())
            or member.email.lower().startswith(query))


def suggest_members(workspace, query):
    """Members whose name, any word of it or whose email starts with `query`, for the `@` menu (one query)."""
    query = " ".join((query or "").lower().split())[:60]
    members = assignable_agents(workspace)
    if query:
        members = [m for m in members if _suggested(m, query)]
    return members[:SUGGESTIONS]


def _notify(ticket, user_id, kind, actor, excerpt, now):
    return create_row(Notification, workspace=ticket.workspace_id, user=user_id, actor=actor, ticket=ticket,
                      kind=kind, excerpt=preview_of(excerpt or "")[:200], created_at=now)


def wants_email(user_id, kind):
    """Whether the person wants this kind of notification by email too (yes unless they said no)."""
    preference = NotificationPreference.get_or_none(NotificationPreference.user == user_id)
    return preference is None or getattr(preference, EMAIL_FIELD[kind])


SUBJECTS = {
    Kind.MENTION: "[#{number}] {actor} mentioned you: {subject}",
    Kind.ASSIGNED: "[#{number}] {actor} assigned you: {subject}",
}


def _email(ticket, user, kind, actor_name, text):
    workspace = Workspace.get_by_id(ticket.workspace_id)
    link = external_url("workspace.tickets.ticket_view", workspace_slug=workspace.slug, number=ticket.number)
    send_email(user.email, SUBJECTS[kind].format(number=ticket.number, actor=actor_name[:100], subject=ticket.subject),
               f"notification_{kind}", person=user, actor_name=actor_name, ticket=ticket, workspace=workspace,
               text=text[:2000], link=link)


def note_added(message, actor, *, now):
    """Everyone mentioned in a note hears of it (the author never of their own mention)."""
    ticket = Ticket.get_by_id(message.ticket_id)
    for member in mentioned_members(ticket.workspace_id, message.body_text):
        if actor is not None and member.id == actor.id:
            continue
        _notify(ticket, member.id, Kind.MENTION, actor, message.body_text, now)
        if wants_email(member.id, Kind.MENTION):
            _email(ticket, User.get_by_id(member.id), Kind.MENTION, actor.name if actor else "Someone",
                   message.body_text)


def ticket_assigned(ticket, actor, assignee_id, *, now):
    """The new assignee hears of it, unless they took the ticket themselves."""
    if assignee_id is None or (actor is not None and actor.id == assignee_id):
        return
    _notify(ticket, assignee_id, Kind.ASSIGNED, actor, ticket.subject, now)
    if wants_email(assignee_id, Kind.ASSIGNED):
        _email(ticket, User.get_by_id(assignee_id), Kind.ASSIGNED, actor.name if actor else "Someone", ticket.subject)


def customer_wrote(ticket, message, *, now):
    """The assignee and the ticket's watchers see the customer's new message in the menu (each once).

    By email only the assignee hears of it (`email_customer_reply`): watching is a quieter way to follow.
    """
    people = ([ticket.assignee_id] if ticket.assignee_id else []) + watcher_ids(ticket)
    for user_id in dict.fromkeys(people):
        _notify(ticket, user_id, Kind.CUSTOMER_REPLY, None, message.body_text, now)


def email_customer_reply(ticket, message, sender, *, now):
    """Email the assignee that the customer wrote, when they want such mail. Returns whether it was sent.

    Called after the commit by each way a customer writes (mail ingest, help-center portal).
    """
    assignee = User.get_or_none(User.id == ticket.assignee_id) if ticket.assignee_id else None
    if assignee is None or not wants_email(assignee.id, Kind.CUSTOMER_REPLY):
        return False
    workspace = Workspace.get_by_id(ticket.workspace_id)
    send_email(assignee.email, f"[#{ticket.number}] {sender[:100]} replied: {ticket.subject}",
               "ticket_customer_reply", assignee=assignee, ticket=ticket, workspace=workspace, sender=sender,
               text=message.body_text[:2000],
               link=external_url("workspace.tickets.ticket_view", workspace_slug=workspace.slug, number=ticket.number))
    return True


def unread_count(workspace, user):
    """Unread notifications, counted over at most UNREAD_COUNT_CAP + 1 index entries."""
    unread = (Notification.select(Notification.id)
              .where(Notification.workspace == workspace, Notification.user == user, Notification.read_at.is_null())
              .limit(UNREAD_COUNT_CAP + 1))
    return Notification.select(fn.COUNT(1)).from_(unread.alias("unread")).scalar()


def recent(workspace, user, *, limit=MENU_SIZE, before=None):
    """The newest notifications with their ticket and actor (one query), newest first."""
    query = (Notification.select(Notification, Ticket.number, Ticket.subject, Actor.name)
             .join(Ticket, on=(Notification.ticket == Ticket.id))
             .switch(Notification).join(Actor, JOIN.LEFT_OUTER, on=(Notification.actor == Actor.id))
             .where(Notification.workspace == workspace, Notification.user == user))
    if before:
        query = query.where(Notification.id < before)
    return list(query.order_by(Notification.id.desc()).limit(limit).objects())


def mark_read(workspace, user, *, now, notification_id=None):
    """Mark one notification (or all) of `user` in `workspace` read. Returns how many changed.

    Raises LookupError for an id that is not this person's in this workspace.
    """
    query = Notification.update(read_at=now).where(Notification.workspace == workspace, Notification.user == user)
    if notification_id is not None:
        if not Notification.of(workspace).where(Notification.id == notification_id, Notification.user == user).exists():
            raise LookupError(notification_id)
        query = query.where(Notification.id == notification_id)
    return query.where(Notification.read_at.is_null()).execute()


def preference_of(user):
    """The person's email preferences (defaults, unsaved, when they never chose)."""
    return NotificationPreference.get_or_none(NotificationPreference.user == user) or NotificationPreference(user=user)


def save_preference(user, *, email_mentions, email_assignments, email_customer_replies, now):
    values = dict(email_mentions=bool(email_mentions), email_assignments=bool(email_assignments),
                  email_customer_replies=bool(email_customer_replies))
    if not NotificationPreference.update(**values).where(NotificationPreference.user == user).execute():
        create_row(NotificationPreference, user=user, created_at=now, **values)
