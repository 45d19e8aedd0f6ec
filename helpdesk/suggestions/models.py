"""The public suggestions board of a workspace (R30, R31): posts, votes, comments, reports, notifications.

A person is known by email on this board: an end user (signed in to the help center) or a customer
an agent added from a ticket. Votes and subscriptions are unique per (suggestion, email), so a
person counts once however they came (and a merge that moves votes keeps them unique).
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.customers.models import Customer
from helpdesk.helpcenter.models import EndUser
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import TenantModel, Workspace


class SuggestionStatus:
    """The life of a suggestion; agents move it (`TRANSITIONS` is the state machine)."""

    OPEN, UNDER_REVIEW, PLANNED = "open", "under_review", "planned"
    IN_PROGRESS, DONE, DECLINED = "in_progress", "done", "declined"
    ALL = (OPEN, UNDER_REVIEW, PLANNED, IN_PROGRESS, DONE, DECLINED)
    LABELS = {OPEN: "Open", UNDER_REVIEW: "Under review", PLANNED: "Planned", IN_PROGRESS: "In progress",
              DONE: "Done", DECLINED: "Declined"}
    ROADMAP = (PLANNED, IN_PROGRESS, DONE)
    TRANSITIONS = {
        OPEN: {UNDER_REVIEW, PLANNED, IN_PROGRESS, DONE, DECLINED},
        UNDER_REVIEW: {OPEN, PLANNED, IN_PROGRESS, DONE, DECLINED},
        PLANNED: {OPEN, UNDER_REVIEW, IN_PROGRESS, DONE, DECLINED},
        IN_PROGRESS: {PLANNED, DONE, DECLINED},
        DONE: {IN_PROGRESS, OPEN},  # reopened when it was marked done by mistake
        DECLINED: {OPEN, UNDER_REVIEW},
    }

    @classmethod
    def may_move(cls, current, new):
        return new in cls.TRANSITIONS.get(current, ())


class SuggestionBoard(TenantModel):
    """The board's settings (one row per workspace, made on first save)."""

    workspace = ForeignKeyField(Workspace, unique=True, on_delete="CASCADE")
    hold_first_posts = BooleanField(default=False)  # a person's first post and comments wait for review


class SuggestionTag(TenantModel):
    """One of the workspace's tags a post may carry."""

    name = CharField(max_length=40)
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("workspace", "name"), True),)


class Suggestion(TenantModel):
    """A public post. `vote_count` and `comment_count` are stored, kept by atomic updates."""

    author = ForeignKeyField(EndUser, null=True, on_delete="SET NULL")
    # Made by an agent from a ticket: the ticket's customer stands as the asker, the agent as the maker.
    author_customer = ForeignKeyField(Customer, null=True, on_delete="SET NULL")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    title = CharField(max_length=200)
    slug = CharField(max_length=80, default="")  # in the URL after the id; only for reading
    description = TextField(default="")  # Markdown as typed
    description_html = TextField(default="")  # sanitized once, at save
    tag = ForeignKeyField(SuggestionTag, null=True, on_delete="SET NULL")
    status = CharField(max_length=16, default=SuggestionStatus.OPEN)
    status_changed_at = DateTimeField(default=utcnow)
    vote_count = IntegerField(default=0)
    trending_votes = IntegerField(default=0)  # votes since trending_since (`trending`: recounted daily to 14 days)
    trending_since = DateTimeField(null=True)  # the cutoff of the last recount; None: every vote counts
    comment_count = IntegerField(default=0)  # visible comments
    official_reply = TextField(default="")
    official_reply_html = TextField(default="")
    official_reply_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    official_reply_at = DateTimeField(null=True)
    hidden = BooleanField(default=False)  # by an agent: the author still sees it, with the reason
    hidden_reason = CharField(max_length=300, default="")
    held_for_review = BooleanField(default=False)  # only the author (and agents) see it until approved
    merged_into = ForeignKeyField("self", null=True, on_delete="SET NULL")  # its URL redirects there
    merged_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("workspace", "vote_count", "id"), False),  # top
            (("workspace", "trending_votes", "id"), False),  # trending
            (("workspace", "id"), False),  # new
            (("workspace", "status", "vote_count", "id"), False),
            (("workspace", "status", "id"), False),
            (("workspace", "status", "trending_votes", "id"), False),
            (("workspace", "status", "status_changed_at", "id"), False),  # roadmap: done recently
            (("workspace", "tag", "vote_count", "id"), False),
            (("author", "id"), False),  # mine
            (("held_for_review", "id"), False),  # the operator's moderation queue, across workspaces
        )


class SuggestionVote(TenantModel):
    """One person's vote; the unique (suggestion, email) row guards the stored count."""

    suggestion = ForeignKeyField(Suggestion, on_delete="CASCADE")
    email = CharField(max_length=254)  # lower-cased: the person
    end_user = ForeignKeyField(EndUser, null=True, on_delete="SET NULL")
    customer = ForeignKeyField(Customer, null=True, on_delete="SET NULL")  # added by an agent from a ticket

    class Meta:
        indexes = (
            (("suggestion", "email"), True),
            (("workspace", "email", "suggestion"), False),  # "I voted"
            (("workspace", "created_at", "suggestion"), False),
            (("suggestion", "created_at"), False),  # trending recount (migration 0061)
        )


class SuggestionComment(TenantModel):
    """A comment, or a reply to one (one level: a reply's parent has no parent)."""

    suggestion = ForeignKeyField(Suggestion, on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, on_delete="CASCADE")
    author = ForeignKeyField(EndUser, null=True, on_delete="SET NULL")
    author_user = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")  # an agent's comment
    body = TextField()
    body_html = TextField()
    edited_at = DateTimeField(null=True)
    hidden = BooleanField(default=False)
    hidden_reason = CharField(max_length=300, default="")
    held_for_review = BooleanField(default=False)
    deleted_at = DateTimeField(null=True)  # shown as "deleted" so that its replies keep their place

    class Meta:
        indexes = (
            (("suggestion", "id"), False),
            (("held_for_review", "id"), False),  # the operator's moderation queue, across workspaces
        )


class SuggestionReport(TenantModel):
    """An end user reported a post or a comment; it waits in the moderation queue until resolved."""

    suggestion = ForeignKeyField(Suggestion, on_delete="CASCADE")
    comment = ForeignKeyField(SuggestionComment, null=True, on_delete="CASCADE")  # None: the post itself
    reporter = ForeignKeyField(EndUser, null=True, on_delete="SET NULL")
    reason = CharField(max_length=500, default="")
    resolved_at = DateTimeField(null=True)
    resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        indexes = (
            (("workspace", "resolved_at", "id"), False),
            (("resolved_at", "suggestion", "comment"), False),  # the operator's queue: open reports, all workspaces
            (("reporter", "suggestion", "comment"), True),  # once per person and thing
        )


class SuggestionSubscription(TenantModel):
    """Who hears about one suggestion (author, voters, commenters), and when they last did."""

    suggestion = ForeignKeyField(Suggestion, on_delete="CASCADE")
    email = CharField(max_length=254)
    end_user = ForeignKeyField(EndUser, null=True, on_delete="SET NULL")
    customer = ForeignKeyField(Customer, null=True, on_delete="SET NULL")
    comments = BooleanField(default=False)  # also on new comments, when asked for
    unsubscribed_at = DateTimeField(null=True)
    last_emailed_at = DateTimeField(null=True)  # at most one email per person per suggestion per hour
    shipped_emailed_at = DateTimeField(null=True)  # the one "done" email, claimed by compare-and-set
    # News waiting for the hourly limit (comma-separated `notify.REASONS`, "" when none) and when it is due.
    pending_reasons = CharField(max_length=100, default="")
    due_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("suggestion", "email"), True), (("pending_reasons", "due_at"), False))


class SuggestionOptOut(TenantModel):
    """An address that unsubscribed from every email of this workspace's board."""

    email = CharField(max_length=254)

    class Meta:
        indexes = ((("workspace", "email"), True),)


class TicketSuggestion(TenantModel):
    """A ticket asking for a suggestion ("asked for in N tickets"); the shipped event is noted once."""

    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    suggestion = ForeignKeyField(Suggestion, on_delete="CASCADE")
    linked_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    shipped_at = DateTimeField(null=True)  # the ticket's "suggestion shipped" event was written

    class Meta:
        indexes = (
            (("ticket", "suggestion"), True),
            (("suggestion", "id"), False),
        )


MODELS = [SuggestionBoard, SuggestionTag, Suggestion, SuggestionVote, SuggestionComment, SuggestionReport,
          SuggestionSubscription, SuggestionOptOut, TicketSuggestion]
