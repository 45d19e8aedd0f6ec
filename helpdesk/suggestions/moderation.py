"""The team's moderation of a suggestion (R31): status with an official reply, the text, merge; each audited.

A status change or a new official reply tells the followers by one email each (`notify`); a move to
done also marks the linked tickets and tells everyone who asked by ticket (`tickets_link.ship`), still
one email per person.
"""

from helpdesk.core import audit
from helpdesk.core.i18n import gettext as _
from helpdesk.core.slugs import slugify
from helpdesk.extensions import db, is_postgres
from helpdesk.knowledge.markup import clean_text, render_markdown
from helpdesk.suggestions import notify, tickets_link
from helpdesk.suggestions.models import (Suggestion, SuggestionComment, SuggestionReport, SuggestionStatus,
                                         SuggestionSubscription, SuggestionVote, TicketSuggestion)


class ModerationError(Exception):
    """Refused; the message is meant for the agent."""


def get_suggestion(workspace, suggestion_id):
    """A suggestion of `workspace`; LookupError for any other id."""
    found = Suggestion.of(workspace).where(Suggestion.id == suggestion_id).first()
    if found is None:
        raise LookupError(suggestion_id)
    return found


def edit_text(workspace, actor, suggestion, *, title, description, now):
    """The team corrects the title and the description (Markdown, sanitized as on the public side); the public
    page shows the new text at once (its old address redirects to the new slug). Returns True when it changed."""
    if suggestion.workspace_id != workspace.id:
        raise LookupError("not of this workspace")
    title, description = clean_text(title).strip()[:200], clean_text(description or "").strip()
    if not title:
        raise ModerationError(_("Give the suggestion a title."))
    if (title, description) == (suggestion.title, suggestion.description):
        return False
    with db.database.atomic():
        Suggestion.update(title=title, slug=slugify(title, max_length=80, fallback="suggestion"),
                          description=description, description_html=render_markdown(description)[0],
                          updated_at=now).where(Suggestion.id == suggestion.id).execute()
        audit.record("suggestion.edited", now=now, workspace=workspace, actor=actor, suggestion=suggestion.id,
                     title_before=suggestion.title, title_changed=title != suggestion.title,
                     description_changed=description != suggestion.description)
    return True


def change_status(workspace, actor, suggestion, status, official_reply, *, now):
    """Set `status` and the official reply shown at the top; email the followers. Returns what changed."""
    if suggestion.workspace_id != workspace.id:
        raise LookupError("not of this workspace")
    if status not in SuggestionStatus.ALL:
        raise ModerationError(_("Choose one of the statuses."))
    if status != suggestion.status and not SuggestionStatus.may_move(suggestion.status, status):
        raise ModerationError(_("A suggestion cannot move from %(before)s to %(after)s.",
                                before=_(SuggestionStatus.LABELS[suggestion.status]),
                                after=_(SuggestionStatus.LABELS[status])))
    official_reply = (official_reply or "").strip()
    reasons = set()
    changes = {}
    if status != suggestion.status:
        reasons.add("status")
        changes.update(status=status, status_changed_at=now)
    if official_reply and official_reply != suggestion.official_reply:
        reasons.add("official_reply")
        changes.update(official_reply=official_reply, official_reply_html=render_markdown(official_reply)[0],
                       official_reply_by=actor, official_reply_at=now)
    if not reasons:
        return reasons
    with db.database.atomic():
        Suggestion.update(updated_at=now, **changes).where(Suggestion.id == suggestion.id).execute()
        audit.record("suggestion.status", now=now, workspace=workspace, actor=actor, suggestion=suggestion.id,
                     before=suggestion.status, after=status, official_reply="official_reply" in reasons)
    emails = None  # every follower
    if status == SuggestionStatus.DONE and suggestion.status != SuggestionStatus.DONE:
        emails = tickets_link.ship(suggestion, actor, now=now)
        reasons.add("shipped")
    notify.notify(Suggestion.get_by_id(suggestion.id), reasons, now=now, emails=emails)
    return reasons


def _move_unique(model, key, duplicate, target):
    """Move `duplicate`'s rows of `model` to `target`, dropping those whose `key` the target has already."""
    kept = model.select(key).where(model.suggestion == target)
    model.delete().where(model.suggestion == duplicate, key.in_(kept)).execute()
    model.update(suggestion=target).where(model.suggestion == duplicate).execute()


def merge(workspace, actor, duplicate, target, *, now):
    """Fold `duplicate` into `target`: votes and followers (a person of both counts once), comments, reports and
    linked tickets move; both vote counts are recounted; the duplicate's public URL redirects (301)."""
    for suggestion in (duplicate, target):
        if suggestion.workspace_id != workspace.id:
            raise LookupError("not of this workspace")
    if duplicate.id == target.id:
        raise ModerationError(_("A suggestion cannot be merged into itself."))
    with db.database.atomic():
        if is_postgres():
            # Both rows locked first, in id order as the trending recount locks them: taking the duplicate
            # first deadlocked with a recount holding the (older) target.
            list(Suggestion.select(Suggestion.id).where(Suggestion.id.in_([duplicate.id, target.id]))
                 .order_by(Suggestion.id).for_update())
        # A compare-and-set claims the duplicate: a second merge (or a stale page) moves nothing.
        claimed = (Suggestion.update(merged_into=target, merged_at=now)
                   .where(Suggestion.id == duplicate.id, Suggestion.merged_into.is_null()).execute())
        if not claimed or Suggestion.get_by_id(target.id).merged_into_id:
            raise ModerationError(_("Choose another suggestion: one of the two was merged already."))
        _move_unique(SuggestionVote, SuggestionVote.email, duplicate, target)
        _move_unique(SuggestionSubscription, SuggestionSubscription.email, duplicate, target)
        _move_unique(TicketSuggestion, TicketSuggestion.ticket, duplicate, target)
        SuggestionComment.update(suggestion=target).where(SuggestionComment.suggestion == duplicate).execute()
        SuggestionReport.update(suggestion=target).where(SuggestionReport.suggestion == duplicate).execute()
        for suggestion in (duplicate, target):
            tickets_link.recount_votes(suggestion)
        comments = SuggestionComment.select().where(SuggestionComment.suggestion == target,
                                                    SuggestionComment.hidden == False,  # noqa: E712
                                                    SuggestionComment.held_for_review == False,  # noqa: E712
                                                    SuggestionComment.deleted_at.is_null()).count()
        Suggestion.update(comment_count=comments).where(Suggestion.id == target.id).execute()
        Suggestion.update(comment_count=0).where(Suggestion.id == duplicate.id).execute()
        audit.record("suggestion.merged", now=now, workspace=workspace, actor=actor, duplicate=duplicate.id,
                     target=target.id)
    return Suggestion.get_by_id(target.id)
