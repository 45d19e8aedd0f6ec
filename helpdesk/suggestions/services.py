"""The public board's rules: posting, voting (exact counts under concurrency), commenting, reporting.

Every function takes the workspace (or a row read through it), the end user acting and `now`.
A post or comment held for review, or hidden by an agent, is seen only by its author (and agents);
a merged suggestion is never listed (its page redirects to the one it was merged into).
"""
from datetime import timedelta


from helpdesk.core.i18n import gettext as _
from helpdesk.core.slugs import slugify
from helpdesk.extensions import db
from helpdesk.knowledge.markup import clean_text, render_markdown
from helpdesk.suggestions.models import (Suggestion, SuggestionBoard, SuggestionComment, SuggestionReport,
                                         SuggestionSubscription, SuggestionTag, SuggestionVote)
from helpdesk.suggestions.trending import counted_when_taken_back

EDIT_WINDOW = timedelta(minutes=15)


class BoardError(Exception):
    """Refused; the message is meant for the end user."""


def visible(query, viewer):
    """`query` of suggestions limited to what `viewer` (an EndUser or None) may see."""
    shown = (Suggestion.hidden == False) & (Suggestion.held_for_review == False)  # noqa: E712
    if viewer is not None:
        shown |= Suggestion.author == viewer.id
    return query.where(shown, Suggestion.merged_into.is_null())


def comment_visible(comment, viewer):
    if comment.hidden or comment.held_for_review:
        return viewer is not None and comment.author_id == viewer.id
    return True


def tags_of(workspace):
    return list(SuggestionTag.of(workspace).order_by(SuggestionTag.position, SuggestionTag.name))


def _holds_first_posts(workspace, end_user):
    """The board holds a person's posts and comments until one of them was approved (agents' setting)."""
    board = SuggestionBoard.of(workspace).first()
    if board is None or not board.hold_first_posts:
        return False
    approved = (Suggestion.of(workspace).where(Suggestion.author == end_user, Suggestion.held_for_review == False)  # noqa: E712
                .exists()
                or SuggestionComment.of(workspace).where(SuggestionComment.author == end_user,
                                                         SuggestionComment.held_for_review == False).exists())  # noqa: E712
    return not approved


def _subscribe(workspace, suggestion, end_user, *, comments, now):
    """The person hears about this suggestion (once per person; a second call changes nothing)."""
    SuggestionSubscription.insert(workspace=workspace, suggestion=suggestion, email=end_user.email,
                                  end_user=end_user, comments=comments, created_at=now).on_conflict_ignore().execute()


def post_suggestion(workspace, end_user, *, title, description, tag_id, now):
    """A new suggestion by `end_user`, who votes for it; held for review when the board says so."""
    title = clean_text(title).strip()
    if not title:
        raise BoardError(_("Give your suggestion a title."))
    tag = SuggestionTag.of(workspace).where(SuggestionTag.id == tag_id).first() if tag_id else None
    if tag_id and tag is None:
        raise BoardError(_("That tag does not exist any more: choose another."))
    html, _text, _headings = render_markdown(description or "")
    with db.database.atomic():
        suggestion = Suggestion.create(
            workspace=workspace, author=end_user, title=title[:200], slug=slugify(title, max_length=80, fallback="suggestion"),
            description=clean_text(description or ""), description_html=html, tag=tag,
            held_for_review=_holds_first_posts(workspace, end_user), created_at=now, updated_at=now,
            status_changed_at=now)
        _subscribe(workspace, suggestion, end_user, comments=True, now=now)
        toggle_vote(workspace, suggestion, end_user, now=now)
    return Suggestion.get_by_id(suggestion.id)


def toggle_vote(workspace, suggestion, end_user, *, now):
    """Vote, or take the vote back when there is one: (voted now?, the count).

    The unique (suggestion, email) row decides: only the request whose insert made it adds 1, only the
    one whose delete removed it takes 1 away, each by an atomic UPDATE, so parallel clicks keep the
    stored count equal to the rows. Three statements (a vote also subscribes: four).
    """
    if suggestion.workspace_id != workspace.id:
        raise BoardError(_("There is no such suggestion."))
    with db.database.atomic():
        inserted = (SuggestionVote.insert(workspace=workspace, suggestion=suggestion, email=end_user.email,
                                          end_user=end_user, created_at=now).on_conflict_ignore().as_rowcount()
                    .execute())
        if inserted:
            count = _add_votes(suggestion, 1, 1)
            _subscribe(workspace, suggestion, end_user, comments=False, now=now)
            return True, count
        removed = list(SuggestionVote.delete().where(SuggestionVote.suggestion == suggestion,
                                                     SuggestionVote.email == end_user.email)
                       .returning(SuggestionVote.created_at).tuples().execute())
        if removed:  # in the trending count only when made since its last recount
            return False, _add_votes(suggestion, -1, counted_when_taken_back(removed[0][0]) * -1)
    # A parallel click took the vote back between the two statements: it is gone, as asked.
    return False, Suggestion.select(Suggestion.vote_count).where(Suggestion.id == suggestion.id).scalar()


def _add_votes(suggestion, votes, trending):
    """Add to the stored counts in one UPDATE; returns the new vote count."""
    [(count,)] = (Suggestion.update(vote_count=Suggestion.vote_count + votes,
                                    trending_votes=Suggestion.trending_votes + trending)
                  .where(Suggestion.id == suggestion.id).returning(Suggestion.vote_count).tuples().execute())
    return count


def add_comment(workspace, suggestion, end_user, *, body, parent_id, now):
    """A comment, or a reply (one level: a reply to a reply goes under the same comment)."""
    body = clean_text(body).strip()
    if not body:
        raise BoardError(_("Write your comment first."))
    parent = None
    if parent_id:
        parent = SuggestionComment.of(workspace).where(SuggestionComment.id == parent_id,
                                                       SuggestionComment.suggestion == suggestion).first()
        if parent is None:
            raise BoardError(_("The comment you answered is gone."))
        if parent.parent_id:
            parent = SuggestionComment.get_by_id(parent.parent_id)
    held = _holds_first_posts(workspace, end_user)
    html, _text, _headings = render_markdown(body)
    with db.database.atomic():
        comment = SuggestionComment.create(workspace=workspace, suggestion=suggestion, parent=parent,
                                           author=end_user, body=body, body_html=html, held_for_review=held,
                                           created_at=now)
        if not held:
            Suggestion.update(comment_count=Suggestion.comment_count + 1).where(
                Suggestion.id == suggestion.id).execute()
        _subscribe(workspace, suggestion, end_user, comments=True, now=now)
    return comment


def may_edit(comment, end_user, *, now):
    return (end_user is not None and comment.author_id == end_user.id and comment.deleted_at is None
            and now - comment.created_at <= EDIT_WINDOW)


def edit_comment(workspace, comment_id, end_user, *, body, now):
    """The author changes a comment within 15 minutes of writing it."""
    comment = SuggestionComment.of(workspace).where(SuggestionComment.id == comment_id).first()
    if comment is None or not may_edit(comment, end_user, now=now):
        raise BoardError(_("A comment can be changed by its author for 15 minutes after it was written."))
    body = clean_text(body).strip()
    if not body:
        raise BoardError(_("Write your comment first."))
    comment.body, comment.edited_at = body, now
    comment.body_html = render_markdown(body)[0]
    comment.save(only=[SuggestionComment.body, SuggestionComment.body_html, SuggestionComment.edited_at])
    return comment


def report(workspace, end_user, suggestion, *, comment_id, reason, now):
    """An end user asks agents to look at a post or one of its comments (once per person and thing)."""
    comment = None
    if comment_id:
        comment = SuggestionComment.of(workspace).where(SuggestionComment.id == comment_id,
                                                        SuggestionComment.suggestion == suggestion).first()
        if comment is None:
            raise BoardError(_("That comment is gone."))
    already = SuggestionReport.of(workspace).where(SuggestionReport.reporter == end_user,
                                                   SuggestionReport.suggestion == suggestion,
                                                   SuggestionReport.comment == comment
                                                   if comment else SuggestionReport.comment.is_null()).exists()
    if not already:
        SuggestionReport.create(workspace=workspace, suggestion=suggestion, comment=comment, reporter=end_user,
                                reason=clean_text(reason or "")[:500], created_at=now)
    return comment
