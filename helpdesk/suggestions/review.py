"""Hiding, deleting and the review queue (R31): what the team takes off the public board, each audited.

A hidden post or comment stays visible to its author with the reason (the public pages read `hidden`
and `hidden_reason`); a deleted comment keeps its place for its replies (`deleted_at`); a deleted post
is gone with its votes and comments. With the board's `hold_first_posts` on, a person's first post and
comments wait (`held_for_review`) in the queue until approved; rejecting deletes them. End users'
reports of a post or comment wait until resolved (`resolve_reports`; the operator's moderation queue,
`helpdesk/operator/moderation.py`, lists them across workspaces).
"""
from helpdesk.core import audit
from helpdesk.extensions import db
from helpdesk.suggestions.models import Suggestion, SuggestionBoard, SuggestionComment, SuggestionReport

REASON_LENGTH = 300
QUEUE_LENGTH = 100


def _own(workspace, row):
    if row.workspace_id != workspace.id:
        raise LookupError("not of this workspace")


def recount_comments(suggestion_id):
    """The stored count of visible comments, from the comments themselves."""
    visible = SuggestionComment.select().where(
        SuggestionComment.suggestion == suggestion_id, SuggestionComment.hidden == False,  # noqa: E712
        SuggestionComment.held_for_review == False, SuggestionComment.deleted_at.is_null()).count()  # noqa: E712
    Suggestion.update(comment_count=visible).where(Suggestion.id == suggestion_id).execute()


def set_hidden(workspace, actor, row, hidden, reason, *, now):
    """Hide (with the reason its author will read) or show again a suggestion or a comment."""
    _own(workspace, row)
    reason = (reason or "").strip()[:REASON_LENGTH] if hidden else ""
    model = type(row)
    model.update(hidden=hidden, hidden_reason=reason).where(model.id == row.id).execute()
    if model is SuggestionComment:
        recount_comments(row.suggestion_id)
    audit.record(f"suggestion.{'comment.' if model is SuggestionComment else ''}{'hidden' if hidden else 'shown'}",
                 now=now, workspace=workspace, actor=actor, id=row.id, reason=reason)


def delete_suggestion(workspace, actor, suggestion, *, now):
    _own(workspace, suggestion)
    with db.database.atomic():
        Suggestion.update(merged_into=None).where(Suggestion.merged_into == suggestion).execute()
        Suggestion.delete().where(Suggestion.id == suggestion.id).execute()  # votes, comments... cascade
        audit.record("suggestion.deleted", now=now, workspace=workspace, actor=actor, id=suggestion.id,
                     title=suggestion.title)


def delete_comment(workspace, actor, comment, *, now):
    """The comment's words are erased; the row stays, shown as deleted, so its replies keep their place."""
    _own(workspace, comment)
    (SuggestionComment.update(deleted_at=now, body="", body_html="", held_for_review=False)
     .where(SuggestionComment.id == comment.id).execute())
    recount_comments(comment.suggestion_id)
    audit.record("suggestion.comment.deleted", now=now, workspace=workspace, actor=actor, id=comment.id)


def set_hold_first_posts(workspace, actor, hold, *, now):
    """The workspace setting: hold a person's first post and comments for review."""
    SuggestionBoard.insert(workspace=workspace, hold_first_posts=hold, created_at=now).on_conflict(
        conflict_target=[SuggestionBoard.workspace], update={SuggestionBoard.hold_first_posts: hold}).execute()
    audit.record("suggestion.board.hold_first_posts", now=now, workspace=workspace, actor=actor, hold=hold)


def holds_first_posts(workspace):
    board = SuggestionBoard.of(workspace).first()
    return bool(board and board.hold_first_posts)


def review_queue(workspace):
    """(posts, comments) waiting for review, oldest first."""
    posts = list(Suggestion.of(workspace).where(Suggestion.held_for_review == True)  # noqa: E712
                 .order_by(Suggestion.id).limit(QUEUE_LENGTH))
    comments = list(SuggestionComment.of(workspace).where(SuggestionComment.held_for_review == True,  # noqa: E712
                                                          SuggestionComment.deleted_at.is_null())
                    .order_by(SuggestionComment.id).limit(QUEUE_LENGTH))
    return posts, comments


def approve(workspace, actor, row, *, now):
    """Published: the post or comment leaves the queue (and its author's next ones are not held)."""
    _own(workspace, row)
    model = type(row)
    model.update(held_for_review=False).where(model.id == row.id).execute()
    if model is SuggestionComment:
        recount_comments(row.suggestion_id)
    audit.record("suggestion.approved", now=now, workspace=workspace, actor=actor, kind=model.__name__, id=row.id)


def reject(workspace, actor, row, *, now):
    """Refused: a held post is deleted, a held comment erased."""
    if isinstance(row, Suggestion):
        delete_suggestion(workspace, actor, row, now=now)
    else:
        delete_comment(workspace, actor, row, now=now)


def resolve_reports(workspace, actor, row, *, now):
    """The open reports of a post (not those of its comments) or of a comment are dealt with by `actor`.
    Returns how many were open."""
    _own(workspace, row)
    if isinstance(row, SuggestionComment):
        which = SuggestionReport.comment == row.id
    else:
        which = (SuggestionReport.suggestion == row.id) & SuggestionReport.comment.is_null()
    resolved = (SuggestionReport.update(resolved_at=now, resolved_by=actor)
                .where(SuggestionReport.workspace == workspace, which, SuggestionReport.resolved_at.is_null())
                .execute())
    if resolved:
        audit.record("suggestion.reports_resolved", now=now, workspace=workspace, actor=actor,
                     kind=type(row).__name__, id=row.id, reports=resolved)
    return resolved
