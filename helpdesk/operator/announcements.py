"""Announcements: the operator writes one, it is emailed to the owners and admins of all workspaces
or of a filtered set (state, plan) through the queue, and shown as a banner in the app until each
person dismisses it. Never to a workspace's customers: recipients are members only.

Rule: nobody gets more than one announcement email per day. Each recipient has an
`AnnouncementDelivery` row; sending sets its `sent_on` day, and a unique index on (person, sent_on)
refuses a second one that day, so the database itself enforces the rule whatever runs in parallel.
A delivery refused that way waits: `send_waiting_announcements` (periodic) sends it another day.
"""
from datetime import timedelta

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, IntegrityError, TextField, Value, fn

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.core.mailer import send_email
from helpdesk.extensions import db
from helpdesk.jobs import enqueue, job
from helpdesk.models import BaseModel
from helpdesk.workspaces.models import Membership, Role, Workspace

SEND_BATCH = 200
BANNER_DAYS = 30  # an announcement shows in the app for a month unless dismissed
RECIPIENT_ROLES = (Role.OWNER, Role.ADMIN)


class AnnouncementError(Exception):
    """An announcement rule refused; the message is meant for the operator."""


class Announcement(BaseModel):
    subject = CharField(max_length=200)
    body = TextField()
    state_filter = CharField(max_length=16, default="")  # a workspace state, or "" for every state
    plan_filter = IntegerField(null=True)  # a plan id, or null for every plan
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    recipients = IntegerField(default=0)


class AnnouncementDelivery(BaseModel):
    """One person's copy of an announcement: emailed (`sent_on`), and dismissed from the banner."""

    PENDING, SENT = "pending", "sent"

    announcement = ForeignKeyField(Announcement, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    status = CharField(max_length=16, default=PENDING)
    sent_on = DateField(null=True)  # the day the email went: at most one per person and day
    email_id = IntegerField(null=True)
    dismissed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("announcement", "user"), True), (("user", "sent_on"), True),
                   (("announcement", "status"), False), (("user", "id"), False))


def recipients_query(state, plan_id):
    """The ids of the owners and admins of the workspaces in `state` on `plan_id` (either may be empty)."""
    query = (Membership.select(Membership.user).distinct().join(Workspace)
             .where(Membership.role.in_(RECIPIENT_ROLES), Workspace.status != Workspace.DELETED))
    if state:
        query = query.where(Workspace.status == state)
    if plan_id:
        from helpdesk.billing.models import Subscription

        query = query.switch(Workspace).join(Subscription, on=(Subscription.workspace == Workspace.id)).where(
            Subscription.plan == plan_id)
    return query


def create_announcement(subject, body, *, state="", plan_id=None, operator, now):
    """Write the announcement and one delivery per recipient (one INSERT ... SELECT), then queue the
    sending. Returns the announcement."""
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise AnnouncementError("An announcement needs a subject and a text.")
    if state and state not in Workspace.STATUSES:
        raise AnnouncementError("Choose a workspace state from the list.")
    with db.database.atomic() as transaction:
        announcement = Announcement.create(subject=subject[:200], body=body, state_filter=state or "",
                                           plan_filter=plan_id or None, created_by=operator, created_at=now)
        users = recipients_query(state, plan_id)
        AnnouncementDelivery.insert_from(
            User.select(Value(announcement.id), User.id, Value(AnnouncementDelivery.PENDING), Value(now))
            .where(User.id.in_(users)),
            [AnnouncementDelivery.announcement, AnnouncementDelivery.user, AnnouncementDelivery.status,
             AnnouncementDelivery.created_at],
        ).execute()
        count = AnnouncementDelivery.select().where(AnnouncementDelivery.announcement == announcement).count()
        if not count:
            transaction.rollback()
            raise AnnouncementError("No owner or admin matches that filter: nothing was sent.")
        Announcement.update(recipients=count).where(Announcement.id == announcement.id).execute()
        announcement.recipients = count
    enqueue(send_announcement, announcement.id)
    return announcement


def _send_one(delivery, announcement, today):
    """Email one delivery unless its person had an announcement today. True when it went."""
    try:
        with db.database.atomic():
            # Compare-and-set on the pending row; the unique (person, day) index refuses a second one today.
            claimed = (AnnouncementDelivery.update(status=AnnouncementDelivery.SENT, sent_on=today)
                       .where(AnnouncementDelivery.id == delivery.id,
                              AnnouncementDelivery.status == AnnouncementDelivery.PENDING).execute())
            if not claimed:
                return False
            email = send_email(delivery.user.email, announcement.subject, "operator_announcement",
                               user=delivery.user, announcement=announcement)
            AnnouncementDelivery.update(email_id=email.id).where(AnnouncementDelivery.id == delivery.id).execute()
    except IntegrityError:
        return False  # had one today: stays pending for another day
    return True


@job
def send_announcement(announcement_id, now=None):
    """Send the pending deliveries of an announcement, a page at a time; returns how many went.

    Idempotent: each delivery is claimed and emailed in one transaction, so a killed run leaves it
    pending (sent again by the rerun) or sent (skipped by it), never half.
    """
    now = now or utcnow()
    announcement = Announcement.get_or_none(Announcement.id == announcement_id)
    if announcement is None:
        return 0
    sent, after = 0, 0
    while True:
        page = list(AnnouncementDelivery.select(AnnouncementDelivery, User).join(User)
                    .where(AnnouncementDelivery.announcement == announcement,
                           AnnouncementDelivery.status == AnnouncementDelivery.PENDING,
                           AnnouncementDelivery.id > after)
                    .order_by(AnnouncementDelivery.id).limit(SEND_BATCH))
        if not page:
            return sent
        for delivery in page:
            sent += _send_one(delivery, announcement, now.date())
        after = page[-1].id


@job
def send_waiting_announcements(now=None):
    """The periodic sweep: announcements with deliveries still pending (held back by the one-a-day
    rule, or by a run that died) are sent again."""
    now = now or utcnow()
    waiting = (AnnouncementDelivery.select(AnnouncementDelivery.announcement).distinct()
               .where(AnnouncementDelivery.status == AnnouncementDelivery.PENDING))
    ids = [row.announcement_id for row in waiting]
    for announcement_id in ids:
        enqueue(send_announcement, announcement_id, now=now)
    return ids


def progress(announcement):
    """{"total", "sent", "waiting", "done"} for the progress bar: one grouped count."""
    counts = dict(AnnouncementDelivery.select(AnnouncementDelivery.status, fn.COUNT(AnnouncementDelivery.id))
                  .where(AnnouncementDelivery.announcement == announcement)
                  .group_by(AnnouncementDelivery.status).tuples())
    sent, waiting = counts.get(AnnouncementDelivery.SENT, 0), counts.get(AnnouncementDelivery.PENDING, 0)
    return {"total": sent + waiting, "sent": sent, "waiting": waiting, "done": waiting == 0}


def recent_announcements(limit=50):
    return list(Announcement.select().order_by(Announcement.id.desc()).limit(limit))


def banner_for(user, *, now):
    """The newest announcement `user` received and has not dismissed, from the last month, or None."""
    return (AnnouncementDelivery.select(AnnouncementDelivery, Announcement).join(Announcement)
            .where(AnnouncementDelivery.user == user, AnnouncementDelivery.dismissed_at.is_null(),
                   AnnouncementDelivery.created_at >= now - timedelta(days=BANNER_DAYS))
            .order_by(AnnouncementDelivery.id.desc()).first())


def dismiss(user, delivery_id, *, now):
    """Hide the banner for this person (only their own delivery row moves). True when it did."""
    return bool(AnnouncementDelivery.update(dismissed_at=now)
                .where(AnnouncementDelivery.id == delivery_id, AnnouncementDelivery.user == user,
                       AnnouncementDelivery.dismissed_at.is_null()).execute())


MODELS = [Announcement, AnnouncementDelivery]
