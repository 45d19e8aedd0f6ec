"""Reply drafts kept on the server as the agent types: one per agent and ticket.

The composer saves its text (debounced, htmx) so that a reload, another ticket opened meanwhile or
a closed laptop loses nothing; colleagues on the ticket page see "Ann has a draft". Sending the
reply or discarding the draft removes it; undoing a send puts the text back.
"""
from peewee import IntegrityError, TextField, ForeignKeyField, DateTimeField

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
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


def save_draft(ticket, user, *, body, cc="", bcc="", now):
    """Keep what `user` typed on `ticket`; an empty reply box removes the draft. Returns the draft or None."""
    body, cc, bcc = body or "", (cc or "").strip(), (bcc or "").strip()
    if len(body) + len(cc) + len(bcc) > MAX_DRAFT_CHARS:
        raise DraftTooLong(MAX_DRAFT_CHARS)
    if not body.strip() and not cc and not bcc:
        discard_draft(ticket, user)
        return None
    values = {Draft.body: body, Draft.cc: cc, Draft.bcc: bcc, Draft.updated_at: now}
    if Draft.update(values).where(Draft.ticket == ticket, Draft.user == user).execute():
        return Draft.get(Draft.ticket == ticket, Draft.user == user)
    try:
        with db.database.atomic():
            return Draft.create(workspace=ticket.workspace_id, ticket=ticket, user=user, body=body, cc=cc, bcc=bcc,
                                created_at=now, updated_at=now)
    except IntegrityError:  # the same agent's other tab saved first: this text is the newer one
        Draft.update(values).where(Draft.ticket == ticket, Draft.user == user).execute()
        return Draft.get(Draft.ticket == ticket, Draft.user == user)


def discard_draft(ticket, user):
    """Remove `user`'s draft on `ticket` (sent or discarded). Returns whether there was one."""
    return bool(Draft.delete().where(Draft.ticket == ticket, Draft.user == user).execute())


def drafts_on(ticket):
    """Every draft on the ticket with its author's name, in one query: [(Draft with .user loaded)]."""
    return list(Draft.select(Draft, User).join(User).where(Draft.ticket == ticket).order_by(User.name))
