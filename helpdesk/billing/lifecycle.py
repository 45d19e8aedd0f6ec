"""The daily lifecycle run: lapse, reminders, warnings, deletions (R13-R17, R20).

`run_lifecycle(now)` reads the workspaces with something due, a page at a time, with a
fixed number of queries per page (owners, notices, ticket counts, activity are each read
for the whole page). Each email is claimed first in `LifecycleNotice`, unique by
(workspace, kind, period), so a second or concurrent run sends nothing twice. Reminders
and warnings have windows: a late run sends the one whose window it falls in (never one
for a date already past); a claim left unsent by a crash is sent by a later run while its
window is still open.
"""
import logging
from collections import Counter
from datetime import timedelta

from peewee import IntegrityError, fn

from helpdesk.accounts.models import User
from helpdesk.billing.deletion import resume_deletions, start_deletion
from helpdesk.billing.models import LifecycleNotice, Plan, PriceChange, Subscription
from helpdesk.billing.timeline import (
    FREE_IDLE, REMINDER_DAYS, RESTORE_WINDOW, WARNING_DAYS, deletion_date, lapse_date, long_date, period_end, purge_date, window,
)
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import send_email
from helpdesk.core.urls import request_context
from helpdesk.extensions import db
from helpdesk.tickets.models import Message, Ticket
from helpdesk.workspaces.models import Membership, Role, Workspace
from helpdesk.workspaces.services import change_status

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(hours=1)  # a claim this old without its email was left by a crash
PAGE_SIZE = 500


def _due_workspaces(now):
    soon = now + timedelta(days=max(REMINDER_DAYS))
    due = (((Workspace.status == Workspace.TRIAL) & (Workspace.trial_ends_at <= soon))
           | ((Workspace.status == Workspace.ACTIVE) & ~Workspace.free_plan & (Workspace.paid_until <= soon))
           | ((Workspace.status == Workspace.ACTIVE) & Workspace.free_plan)
           | (Workspace.status == Workspace.LAPSED)
           | ((Workspace.status == Workspace.CANCELLED) & (Workspace.status_changed_at <= now - RESTORE_WINDOW)))
    return Workspace.select().where(due)


def run_lifecycle(now):
    """Apply every lifecycle rule due at `now`; returns a Counter of what was done."""
    done = Counter()
    after = 0
    while True:
        page = list(_due_workspaces(now).where(Workspace.id > after).order_by(Workspace.id).limit(PAGE_SIZE))
        if not page:
            break
        after = page[-1].id
        _run_page(page, now, done)
    _announce_plan_changes(now, done)
    done["deletions resumed"] += resume_deletions(now=now)
    return done


def _owners(workspace_ids):
    return {m.workspace_id: m.user for m in Membership.select(Membership, User).join(User)
            .where(Membership.workspace.in_(workspace_ids), Membership.role == Role.OWNER)}


def _announce_plan_changes(now, done):
    """R11: tell the owners on a plan, once each, of its next price and of its retirement."""
    announcements = [(change.plan, "price_change", change.effective_at, "billing_price_change",
                      _("New price from %(date)s"), {"price": change.price_per_seat})
                     for change in PriceChange.select(PriceChange, Plan).join(Plan)
                     .where(PriceChange.effective_at > now)]
    announcements += [(plan, "plan_retiring", plan.retire_on, "billing_plan_retiring",
                       _("Your plan ends on %(date)s"), {}) for plan in Plan.select().where(Plan.retire_on > now)]
    for plan, kind, moment, template, subject, context in announcements:
        after = 0
        while True:  # the plan's workspaces, a page at a time
            page = list(Subscription.select(Subscription, Workspace).join(Workspace)
                        .where(Subscription.plan == plan, Subscription.id > after,
                               Workspace.status.in_((Workspace.TRIAL, Workspace.ACTIVE, Workspace.LAPSED)))
                        .order_by(Subscription.id).limit(PAGE_SIZE))
            if not page:
                break
            after = page[-1].id
            page_data = _Page([s.workspace for s in page], now, announcements_only=True)
            for subscription in page:
                _notify(subscription.workspace, page_data, f"{kind}_{plan.id}", moment, now, done, template,
                        subject, plan=plan, plan_date=moment, **context)


class _Page:
    """What the rules need about a page of workspaces, read in a fixed number of queries."""

    def __init__(self, workspaces, now, announcements_only=False):
        ids = [w.id for w in workspaces]
        self.owners = _owners(ids)
        self.notices = {(n.workspace_id, n.kind, n.period): n
                        for n in LifecycleNotice.select().where(LifecycleNotice.workspace.in_(ids))}
        if announcements_only:
            return
        lapsing = [w.id for w in workspaces
                   if w.status == Workspace.LAPSED or (period_end(w) is not None and period_end(w) <= now)]
        # Ticket numbers count per workspace, so the highest is how many tickets it has had: one probe
        # of the (workspace, number) index per workspace instead of counting a million rows.
        highest = Ticket.select(fn.MAX(Ticket.number)).where(Ticket.workspace == Workspace.id)
        self.tickets = dict(Workspace.select(Workspace.id, highest).where(Workspace.id.in_(lapsing))
                            .tuples()) if lapsing else {}
        free = [w.id for w in workspaces if w.free_plan and w.status == Workspace.ACTIVE]
        self.activity = self._activity(free) if free else {}

    @staticmethod
    def _activity(ids):
        """The last agent sign-in or reply per free-plan workspace (R17)."""
        last = dict(Membership.select(Membership.workspace, fn.MAX(User.last_sign_in_at)).join(User)
                    .where(Membership.workspace.in_(ids)).group_by(Membership.workspace).tuples())
        replies = (Message.select(Message.workspace, fn.MAX(Message.created_at))
                   .where(Message.workspace.in_(ids), Message.kind == Message.REPLY)
                   .group_by(Message.workspace).tuples())
        for workspace_id, moment in replies:
            if moment and (last.get(workspace_id) is None or moment > last[workspace_id]):
                last[workspace_id] = moment
        return last


def _run_page(workspaces, now, done):
    page = _Page(workspaces, now)
    for workspace in workspaces:
        try:
            _apply_rules(workspace, page, now, done)
        except Exception:  # one workspace's failure must not stop the others; the next run retries it
            log.exception("lifecycle rules failed for workspace %s", workspace.id)
            done["failed"] += 1


def _apply_rules(workspace, page, now, done):
    end = period_end(workspace)
    if end is not None:
        if now < end:
            lead = window(end, REMINDER_DAYS, now)
            if lead:
                kind = "trial_ends" if workspace.status == Workspace.TRIAL else "period_ends"
                _notify(workspace, page, f"{kind}_{lead}d", end, now, done, "billing_period_ending",
                        _("Your trial ends on %(date)s") if kind == "trial_ends"
                        else _("Your paid period ends on %(date)s"), ends_on=end, trial=kind == "trial_ends")
            return
        if change_status(workspace, Workspace.LAPSED, now=now, since=lapse_date(workspace), reason="period_ended"):
            done["lapsed"] += 1  # R13: read-only from the end of the period, whenever the job noticed
    if workspace.status == Workspace.LAPSED:
        _lapsed(workspace, page, now, done)
    elif workspace.status == Workspace.ACTIVE and workspace.free_plan:
        _idle_free_plan(workspace, page, now, done)
    elif workspace.status == Workspace.CANCELLED and now >= purge_date(workspace):
        _delete(workspace, page, now, done, "cancelled_purged", notify=False)


def _lapsed(workspace, page, now, done):
    deletion = deletion_date(workspace, page.tickets.get(workspace.id) or 0)
    if now >= deletion:
        _delete(workspace, page, now, done, "unpaid")
        return
    since = workspace.status_changed_at
    _notify(workspace, page, "lapsed", since, now, done, "billing_lapsed",
            _("Your workspace is read-only since %(date)s"), since=since, deleted_on=deletion)
    _warn(workspace, page, deletion, now, done, "deletion", "billing_deletion_warning",
          _("Your workspace will be deleted on %(date)s"))


def _idle_free_plan(workspace, page, now, done):
    active = max(moment for moment in (page.activity.get(workspace.id), workspace.status_changed_at,
                                       workspace.created_at) if moment)
    terminated_on = active + FREE_IDLE
    if now >= terminated_on:
        _delete(workspace, page, now, done, "free_plan_idle")
        return
    _warn(workspace, page, terminated_on, now, done, "idle", "billing_idle_warning",
          _("Your free workspace will be deleted on %(date)s"))


def _warn(workspace, page, target, now, done, kind, template, subject):
    lead = window(target, WARNING_DAYS, now)
    if lead:
        _notify(workspace, page, f"{kind}_{lead}d", target, now, done, template, subject, deleted_on=target)


def _delete(workspace, page, now, done, reason, notify=True):
    if notify:  # before the data goes: the owner's membership is deleted with it
        _notify(workspace, page, "deleted", now, now, done, "billing_deleted", _("Your workspace %(name)s was deleted"),
                key=workspace.status_changed_at, name=workspace.name)
    if start_deletion(workspace, reason=reason, now=now):
        done["deleted"] += 1


def _notify(workspace, page, kind, moment, now, done, template, subject, key=None, **context):
    """Claim the notice (workspace, kind, period) and send its email once."""
    owner = page.owners.get(workspace.id)
    if owner is None:
        return
    period = (key or moment).strftime("%Y-%m-%dT%H:%M")
    notice = claim(workspace, kind, period, now, page.notices.get((workspace.id, kind, period)))
    if notice is None:
        return
    with request_context():
        subject = subject % {"date": long_date(moment), "name": workspace.name}
    email = send_email(owner.email, subject, template, workspace=workspace, owner=owner, long_date=long_date,
                       **context)
    LifecycleNotice.update(email_id=email.id).where(LifecycleNotice.id == notice.id).execute()
    done[f"email {kind}"] += 1


def claim(workspace, kind, period, now, known=None):
    """The notice row if this run may send it, else None (sent, or being sent by another run)."""
    if known is not None:
        if known.email_id is not None or known.claimed_at > now - STALE_CLAIM:
            return None
        # Claimed by a run that crashed before sending: take it over (one winner).
        taken = (LifecycleNotice.update(claimed_at=now)
                 .where(LifecycleNotice.id == known.id, LifecycleNotice.email_id.is_null(),
                        LifecycleNotice.claimed_at == known.claimed_at).execute())
        return known if taken else None
    try:
        with db.database.atomic():
            return LifecycleNotice.create(workspace=workspace, kind=kind, period=period, claimed_at=now)
    except IntegrityError:
        return None
