"""Reply drafts kept on the server as the agent types: one per agent and ticket.

The composer saves its text (debounced, htmx) so that a reload, another ticket opened meanwhile or
a closed laptop loses nothing; colleagues on the ticket page see "Ann has a draft". Sending the
reply or discarding the draft removes it; undoing a send puts the text back.
"""
from peewee import IntegrityError, TextField, ForeignKeyField, DateTimeField

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.core.selects import PreparedSelect
from helpdesk.extensions import db, is_postgres
from helpdesk.tickets.models import Message, Ticket
from helpdesk.workspaces.models import TenantModel

# A draft longer than this is refused rather than cut (the reply box has no such limit, but a draft
# row must not become a way to store megabytes per keystroke).
MAX_DRAFT_CHARS = 100_000


class Draft(TenantModel):
    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    body = TextField(default="")
    cc = TextField(default="")
    bcc = TextField(default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("ticket", "user"), True),)


MODELS = [Draft]


class DraftTooLong(ValueError):
    """The text is over MAX_DRAFT_CHARS."""


class StaleDraft(ValueError):
    """The text comes from a page loaded before `user`'s own latest reply on the ticket."""


def save_draft(ticket, user, *, body, cc="", bcc="", now, last_reply_seen=None):
    """Keep what `user` typed on `ticket`; an empty reply box removes the draft. Returns the draft or None.

    `last_reply_seen` is the id of `user`'s latest reply the page knew of (0: none). A save from a page
    older than a reply they sent since is refused (StaleDraft): leaving the box fires a save while Send is
    clicked, and when it reached the server after the send it brought the sent text back as a draft.
    """
    body, cc, bcc = body or "", (cc or "").strip(), (bcc or "").strip()
    if len(body) + len(cc) + len(bcc) > MAX_DRAFT_CHARS:
        raise DraftTooLong(MAX_DRAFT_CHARS)
    if not body.strip() and not cc and not bcc:
        discard_draft(ticket, user)
        return None
    values = {Draft.body: body, Draft.cc: cc, Draft.bcc: bcc, Draft.updated_at: now}
    with db.database.atomic():
        # Written first and checked after, under the ticket's lock: a reply committed before this
        # transaction is seen by the check, one after it removes the draft itself (tickets.services.reply).
        lock_for_reply(ticket)
        if not Draft.update(values).where(Draft.ticket == ticket, Draft.user == user).execute():
            try:
                with db.database.atomic():
                    Draft.create(workspace=ticket.workspace_id, ticket=ticket, user=user, body=body, cc=cc, bcc=bcc,
                                 created_at=now, updated_at=now)
            except IntegrityError:  # the same agent's other tab saved first: this text is the newer one
                Draft.update(values).where(Draft.ticket == ticket, Draft.user == user).execute()
        if last_reply_seen is not None and _replied_since(ticket, user, last_reply_seen):
            raise StaleDraft(last_reply_seen)  # rolls the write back
        # Read inside the transaction: once it commits, a reply waiting for it removes the draft.
        return Draft.get(Draft.ticket == ticket, Draft.user == user)


def lock_for_reply(ticket):
    """Lock the ticket's row on PostgreSQL, so that a reply and a draft save of it run one after the other
    (SQLite runs one writing transaction at a time, and both start by writing)."""
    if is_postgres():
        Ticket.select(Ticket.id).where(Ticket.id == ticket.id).for_update().execute()


def _replied_since(ticket, user, reply_id):
    return (Message.select(Message.id)
            .where(Message.ticket == ticket, Message.kind == Message.REPLY, Message.author == user,
                   Message.id > reply_id)
            .exists())


def last_reply_of(messages, user_id):
    """The id of `user_id`'s latest reply among a ticket's loaded `messages` (0 when none): the draft's baseline."""
    return max((m.id for m in messages if m.kind == Message.REPLY and m.author_id == user_id), default=0)


def discard_draft(ticket, user):
    """Remove `user`'s draft on `ticket` (sent or discarded). Returns whether there was one."""
    return bool(Draft.delete().where(Draft.ticket == ticket, Draft.user == user).execute())


# Built once (core/selects.py): the ticket page runs it.
_DRAFTS_ON = PreparedSelect(lambda ticket_id: Draft.select(Draft, User.id, User.name).join(User)
                            .where(Draft.ticket == ticket_id).order_by(User.name), 1)


def drafts_on(ticket):
    """Every draft on the ticket with its author's name, in one query: [(Draft with .user loaded)]."""
    return _DRAFTS_ON.rows(ticket)
