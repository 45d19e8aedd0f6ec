"""Suggestion mail: who hears about a suggestion, at most once an hour each, and one-click unsubscribe.

The people are the suggestion's `SuggestionSubscription` rows (one per address: author, voters,
commenters, customers added from tickets). `notify(suggestion, reasons, now=)` adds the reasons to
the waiting ones of each row that did not unsubscribe (and whose address did not opt out of the
whole board), due at once or an hour after the row's last email: a second event within the hour
joins the waiting email instead of making a second one. `send_due_notices(now=)` (a periodic job,
and right after each event) claims each due row by a compare-and-set in the transaction that
stores its system email, and starts the delivery only once that committed, so a run killed half-way
loses nothing and a second run sends nothing twice.

Each email has a link signed for its address (`core.formstamps`): "this suggestion" sets the row's
`unsubscribed_at`, "all" adds a `SuggestionOptOut` for the address.
"""
from datetime import timedelta

from itsdangerous import BadSignature

from helpdesk.core.clock import utcnow
from helpdesk.core.formstamps import make_stamp, read_stamp
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import deliver_system_email, store_email
from helpdesk.extensions import db
from helpdesk.helpcenter.domains import public_url_of
from helpdesk.jobs import enqueue, job
from helpdesk.suggestions.models import Suggestion, SuggestionOptOut, SuggestionStatus, SuggestionSubscription

MAIL_INTERVAL = timedelta(hours=1)  # at most one email per person per suggestion per hour
UNSUBSCRIBE_SALT = "suggestion-unsubscribe"
REASONS = ("status", "official_reply", "comment", "shipped", "linked")
BATCH = 200
Sub = SuggestionSubscription


def unsubscribe_token(workspace_id, email, suggestion_id=None):
    """The signed value of an unsubscribe link: whose it is, and for which suggestion (None: all)."""
    return make_stamp(UNSUBSCRIBE_SALT, [workspace_id, email, suggestion_id])


def read_unsubscribe_token(workspace, token):
    """(email, suggestion or None) of a valid link of `workspace`; LookupError for a forged or foreign one."""
    try:
        (workspace_id, email, suggestion_id), _age = read_stamp(UNSUBSCRIBE_SALT, token)
    except (BadSignature, ValueError, TypeError):
        raise LookupError("not an unsubscribe link") from None
    if workspace_id != workspace.id:
        raise LookupError("not an unsubscribe link of this workspace")
    suggestion = None
    if suggestion_id is not None:
        suggestion = Suggestion.of(workspace).where(Suggestion.id == suggestion_id).first()
        if suggestion is None:
            raise LookupError("the suggestion is gone")
    return email, suggestion


def unsubscribe(workspace, email, suggestion, *, now):
    """No more mail to `email` about `suggestion` (or any suggestion when None); twice is once."""
    if suggestion is None:
        SuggestionOptOut.insert(workspace=workspace, email=email, created_at=now).on_conflict_ignore().execute()
        Sub.update(pending_reasons="").where(Sub.workspace == workspace, Sub.email == email).execute()
    else:
        (Sub.update(unsubscribed_at=now, pending_reasons="")
         .where(Sub.workspace == workspace, Sub.email == email, Sub.suggestion == suggestion).execute())


def notify(suggestion, reasons, *, now, emails=None):
    """Queue `reasons` for the suggestion's subscribers (or only `emails`); a comment reaches only those
    who asked. Then send what is due. Returns the number of people told."""
    reasons = {reasons} if isinstance(reasons, str) else set(reasons)
    opted_out = SuggestionOptOut.select(SuggestionOptOut.email).where(SuggestionOptOut.workspace == suggestion.workspace_id)
    rows = Sub.select().where(Sub.suggestion == suggestion, Sub.unsubscribed_at.is_null(), Sub.email.not_in(opted_out))
    if emails is not None:
        rows = rows.where(Sub.email.in_(list(emails) or [""]))
    if reasons == {"comment"}:
        rows = rows.where(Sub.comments == True)  # noqa: E712
    told = 0
    with db.database.atomic():
        for row in rows:
            waiting = set(filter(None, row.pending_reasons.split(",")))
            due = max(now, row.last_emailed_at + MAIL_INTERVAL) if row.last_emailed_at else now
            Sub.update(pending_reasons=",".join(sorted(waiting | reasons)), due_at=due).where(Sub.id == row.id).execute()
            told += 1
    if told:
        enqueue(send_due_notices, now=now, retry=False)
    return told


@job
def send_due_notices(now=None, limit=BATCH):
    """Email every subscriber whose waiting news is due (one email, whatever it gathered). Returns how many."""
    now = now or utcnow()
    due = [i for (i,) in Sub.select(Sub.id).where(Sub.pending_reasons != "", Sub.due_at <= now)
           .order_by(Sub.id).limit(limit).tuples()]
    return sum(_send_one(row_id, now) for row_id in due)


def _send_one(row_id, now):
    with db.database.atomic():
        row = Sub.get_or_none(Sub.id == row_id)
        if row is None or not row.pending_reasons:
            return 0
        reasons = set(row.pending_reasons.split(","))
        claimed = (Sub.update(pending_reasons="", last_emailed_at=now,
                              **({"shipped_emailed_at": now} if "shipped" in reasons else {}))
                   .where(Sub.id == row_id, Sub.pending_reasons == row.pending_reasons, Sub.due_at <= now).execute())
        if not claimed:
            return 0
        email = _email(row, Suggestion.get_by_id(row.suggestion_id), reasons)
    # Delivered once the claim and the stored email committed together: a crash before the commit sends
    # nothing (the row is claimed again), one after it leaves a queued email that the mail sweep sends.
    enqueue(deliver_system_email, email.id)
    return 1


def _email(row, suggestion, reasons):
    workspace = suggestion.workspace
    # The board's public page (it redirects to the address with its slug), on the custom domain once verified.
    link = public_url_of(workspace, "helpcenter.board.suggestion", suggestion_id=suggestion.id)
    unsubscribe_url = public_url_of(workspace, "helpcenter.suggestion_unsubscribe",
                                    token=unsubscribe_token(row.workspace_id, row.email, suggestion.id))
    unsubscribe_all_url = public_url_of(workspace, "helpcenter.suggestion_unsubscribe",
                                        token=unsubscribe_token(row.workspace_id, row.email))
    subject = (_("Shipped: %(title)s", title=suggestion.title) if "shipped" in reasons
               else _("Update on “%(title)s”", title=suggestion.title))
    return store_email(row.email, subject, "suggestion_update", unsubscribe_url=unsubscribe_url,
                       unsubscribe_all_url=unsubscribe_all_url, suggestion=suggestion, reasons=reasons, link=link,
                       status_label=_(SuggestionStatus.LABELS.get(suggestion.status, suggestion.status)))
