"""The operator's moderation queue: public suggestion posts and comments of every workspace that end
users reported (open `SuggestionReport` rows) or that the board held for review, newest first.

An item is a post or a comment; its time in the queue is its newest open report, or when it was written
for a held one. The queue is one grouped query over the open reports and the held rows (each read by
index), pages are keyset on (time, kind, id), and a page's rows, authors and latest report reasons are
three more queries: four statements per page at any size. What was hidden or deleted meanwhile (by the
workspace's team or another operator) leaves the queue.

The actions go through the workspace's own moderation (`helpdesk.suggestions.review`): hide with a
reason its author reads, delete, dismiss (the reports are resolved, a held item is approved); each is
written to the workspace's audit log and the operator's own log (`log.record_action`).
"""
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, SQL, Case, fn

from helpdesk.accounts.models import User
from helpdesk.customers.models import Customer
from helpdesk.extensions import db
from helpdesk.helpcenter.models import EndUser
from helpdesk.operator.log import record_action
from helpdesk.suggestions import review
from helpdesk.suggestions.models import Suggestion, SuggestionComment, SuggestionReport
from helpdesk.workspaces.models import Workspace

PAGE = 25
POST, COMMENT = "post", "comment"
KINDS = (POST, COMMENT)


class ModerationGone(Exception):
    """The post or comment is not there any more (deleted meanwhile); the message is for the operator."""


@dataclass
class QueueItem:
    kind: str  # post, comment
    row: object  # the Suggestion or SuggestionComment, with `workspace` (and a comment's `suggestion`) loaded
    flagged_at: datetime
    reports: int  # open reports
    held: bool  # held for review by the board's rule
    reason: str  # the newest open report's reason ("" when none given)

    @property
    def cursor(self):
        return encode_cursor(self.flagged_at, self.kind, self.row.id)

    @property
    def author(self):
        """(name, email) of whoever wrote it: an end user, an agent or the customer a post was made for."""
        row = self.row
        person = row.author or (row.author_user if self.kind == COMMENT else (row.author_customer or row.created_by))
        if person is None:
            return ("", "")
        return (person.name or "", person.email or "")


def encode_cursor(flagged_at, kind, item_id):
    return f"{flagged_at.isoformat()}~{kind}~{item_id}"


def decode_cursor(text):
    """(time, kind, id) from a cursor, or None for anything else (the first page is shown then)."""
    try:
        moment, kind, item_id = (text or "").split("~")
        return datetime.fromisoformat(moment), kind if kind in KINDS else None, int(item_id)
    except ValueError:
        return None


def _flags():
    """The queue's rows before grouping: (kind, item_id, flagged_at, reports, latest_report, held), one per
    open report group and one per held post or comment; hidden and deleted ones are left out."""
    Reported = Suggestion.alias()
    ReportedComment = SuggestionComment.alias()
    is_post = SuggestionReport.comment.is_null()
    reports = (SuggestionReport
               .select(Case(None, [(is_post, SQL("'post'"))], SQL("'comment'")).alias("kind"),
                       fn.COALESCE(SuggestionReport.comment, SuggestionReport.suggestion).alias("item_id"),
                       fn.MAX(SuggestionReport.created_at).alias("flagged_at"),
                       fn.COUNT(SuggestionReport.id).alias("reports"),
                       fn.MAX(SuggestionReport.id).alias("latest_report"), SQL("0").alias("held"))
               .join(Reported, on=(SuggestionReport.suggestion == Reported.id))
               .join_from(SuggestionReport, ReportedComment, JOIN.LEFT_OUTER,
                          on=(SuggestionReport.comment == ReportedComment.id))
               .where(SuggestionReport.resolved_at.is_null(), Reported.hidden == False,  # noqa: E712
                      is_post | ((ReportedComment.hidden == False) & ReportedComment.deleted_at.is_null()))  # noqa: E712
               .group_by(SuggestionReport.suggestion, SuggestionReport.comment))
    held_posts = (Suggestion.select(SQL("'post'"), Suggestion.id, Suggestion.created_at, SQL("0"), SQL("0"), SQL("1"))
                  .where(Suggestion.held_for_review == True, Suggestion.hidden == False))  # noqa: E712
    held_comments = (SuggestionComment
                     .select(SQL("'comment'"), SuggestionComment.id, SuggestionComment.created_at, SQL("0"), SQL("0"),
                             SQL("1"))
                     .where(SuggestionComment.held_for_review == True, SuggestionComment.hidden == False,  # noqa: E712
                            SuggestionComment.deleted_at.is_null()))
    return reports.union_all(held_posts).union_all(held_comments)


def _queue_keys(before, limit):
    """[(kind, id, flagged_at, reports, latest report id, held)] of one page, newest first."""
    inner, params = _flags().sql()
    having = ""
    if before:
        having = "HAVING (MAX(flagged_at) < ?) OR (MAX(flagged_at) = ? AND (kind < ? OR (kind = ? AND item_id < ?)))"
        moment, kind, item_id = before
        params = [*params, moment, moment, kind, kind, item_id]
    sql = (f"SELECT kind, item_id, MAX(flagged_at), SUM(reports), MAX(latest_report), MAX(held) FROM ({inner}) AS flags "
           f"GROUP BY kind, item_id {having} ORDER BY MAX(flagged_at) DESC, kind DESC, item_id DESC LIMIT ?")
    if db.database.param != "?":
        sql = sql.replace("?", db.database.param)
    rows = db.database.execute_sql(sql, [*params, limit]).fetchall()
    parse = Suggestion.created_at.python_value
    return [(kind, int(item_id), parse(flagged_at), int(reports), int(latest), bool(held))
            for kind, item_id, flagged_at, reports, latest, held in rows]


def _posts(ids):
    Author, Asker, Maker = EndUser.alias(), Customer.alias(), User.alias()
    query = (Suggestion.select(Suggestion, Workspace, Author, Asker, Maker).join(Workspace)
             .join_from(Suggestion, Author, JOIN.LEFT_OUTER, on=(Suggestion.author == Author.id), attr="author")
             .join_from(Suggestion, Asker, JOIN.LEFT_OUTER, on=(Suggestion.author_customer == Asker.id),
                        attr="author_customer")
             .join_from(Suggestion, Maker, JOIN.LEFT_OUTER, on=(Suggestion.created_by == Maker.id), attr="created_by")
             .where(Suggestion.id.in_(ids)))
    return {row.id: row for row in query} if ids else {}


def _comments(ids):
    Author, Agent = EndUser.alias(), User.alias()
    query = (SuggestionComment.select(SuggestionComment, Workspace, Suggestion, Author, Agent)
             .join(Workspace, on=(SuggestionComment.workspace == Workspace.id))
             .join_from(SuggestionComment, Suggestion, on=(SuggestionComment.suggestion == Suggestion.id))
             .join_from(SuggestionComment, Author, JOIN.LEFT_OUTER, on=(SuggestionComment.author == Author.id),
                        attr="author")
             .join_from(SuggestionComment, Agent, JOIN.LEFT_OUTER, on=(SuggestionComment.author_user == Agent.id),
                        attr="author_user")
             .where(SuggestionComment.id.in_(ids)))
    return {row.id: row for row in query} if ids else {}


def moderation_queue(*, before=None, limit=PAGE):
    """One page of the queue: (items, cursor of the next page or None). `before` is a page's cursor."""
    keys = _queue_keys(decode_cursor(before) if before else None, limit + 1)
    more, keys = len(keys) > limit, keys[:limit]
    posts = _posts([item_id for kind, item_id, *_rest in keys if kind == POST])
    comments = _comments([item_id for kind, item_id, *_rest in keys if kind == COMMENT])
    report_ids = [latest for *_head, latest, _held in keys if latest]
    reasons = dict(SuggestionReport.select(SuggestionReport.id, SuggestionReport.reason)
                   .where(SuggestionReport.id.in_(report_ids)).tuples()) if report_ids else {}
    items = []
    for kind, item_id, flagged_at, reports, latest, held in keys:
        row = (posts if kind == POST else comments).get(item_id)
        if row is not None:  # deleted between the two reads
            items.append(QueueItem(kind, row, flagged_at, reports, held, reasons.get(latest, "")))
    last_kind, last_id, last_at = keys[-1][:3] if keys else (None, None, None)
    return items, encode_cursor(last_at, last_kind, last_id) if more else None


def find_item(kind, item_id):
    """The post or comment of any workspace, its workspace loaded; ModerationGone when there is none."""
    model = Suggestion if kind == POST else SuggestionComment
    row = (model.select(model, Workspace).join(Workspace, on=(model.workspace == Workspace.id))
           .where(model.id == item_id).first()) if kind in KINDS else None
    if row is None or (kind == COMMENT and row.deleted_at is not None):
        raise ModerationGone("That post or comment is not there any more: someone deleted it meanwhile.")
    return row


def _kind(row):
    return COMMENT if isinstance(row, SuggestionComment) else POST


def hide(operator, row, reason, *, now):
    """Hidden with the reason its author reads (as the workspace's own moderation hides); reports resolved."""
    workspace = row.workspace
    with db.database.atomic():
        review.set_hidden(workspace, operator, row, True, reason, now=now)
        resolved = review.resolve_reports(workspace, operator, row, now=now)
        record_action(operator, "moderation_hide", now=now, workspace=workspace, kind=_kind(row), id=row.id,
                      reason=reason.strip()[:review.REASON_LENGTH], reports=resolved)


def delete(operator, row, *, now):
    """A post goes with its votes, comments and reports; a comment's words are erased (it keeps its place)."""
    workspace = row.workspace
    with db.database.atomic():
        if isinstance(row, Suggestion):
            review.delete_suggestion(workspace, operator, row, now=now)
            details = {"title": row.title}
        else:
            review.resolve_reports(workspace, operator, row, now=now)
            review.delete_comment(workspace, operator, row, now=now)
            details = {"suggestion": row.suggestion_id}
        record_action(operator, "moderation_delete", now=now, workspace=workspace, kind=_kind(row), id=row.id,
                      **details)


def dismiss(operator, row, *, now):
    """Nothing wrong: the reports are resolved and a held post or comment is published (approved)."""
    workspace = row.workspace
    with db.database.atomic():
        resolved = review.resolve_reports(workspace, operator, row, now=now)
        released = bool(row.held_for_review)
        if released:
            review.approve(workspace, operator, row, now=now)
        record_action(operator, "moderation_dismiss", now=now, workspace=workspace, kind=_kind(row), id=row.id,
                      reports=resolved, released=released)
    return resolved, released
