"""Mail jobs: fetch each mailbox (one job per mailbox), and sweep replies that still wait to go out.

`fetch_due_mailboxes` runs every minute (`PERIODIC_JOBS`) and enqueues one
`fetch_mailbox(id)` per mailbox that is due, taking workspaces in turn, so a
workspace with many mailboxes does not push the others back. Each fetch takes at
most `MAIL_FETCH_BATCH` messages and every socket has `MAIL_SOCKET_TIMEOUT`, so
one large or slow mailbox never starves the rest; a mailbox with more waiting is
due again at once (on Redis its next job goes to the back of the queue). A
failing server is retried after 1, 2, 4... minutes (at most an hour), and its
error is shown on the mailboxes page.

A fetch first processes what an earlier run stored but did not process (it was
killed), then reads new UIDs. The first fetch of a folder (or after its
UIDVALIDITY changed) starts with the messages of the last `MAIL_IMPORT_DAYS`
days. Mail of a lapsed workspace is still fetched and processed (R13); a
cancelled workspace's is not (R19).
"""
import logging
from datetime import timedelta

from flask import current_app

from helpdesk.core.clock import utcnow
from helpdesk.jobs import enqueue, job, queue
from helpdesk.mail import services
from helpdesk.mail.imap import MailConnectionError
from helpdesk.mail.ingest import process_inbound, store_inbound
from helpdesk.mail.models import Mailbox
from helpdesk.mail.send import send_due_replies
from helpdesk.workspaces.models import Workspace

log = logging.getLogger(__name__)

# A fetch holds its mailbox this long; a run killed without releasing it is replaced after that.
FETCH_LEASE = timedelta(minutes=10)


def _config(name, default):
    return current_app.config.get(name, default)


@job
def fetch_due_mailboxes(now=None):
    """Enqueue a fetch for every due mailbox, one workspace after the other in turn. Returns their ids.

    A `now` given (tests, a replayed clock) is passed on to the fetches; otherwise each reads the clock.
    """
    passed = {"now": now} if now else {}
    now = now or utcnow()
    rows = list(Mailbox.select(Mailbox.id, Mailbox.workspace).join(Workspace)
                .where(Workspace.status != Workspace.CANCELLED,
                       Mailbox.next_fetch_at.is_null() | (Mailbox.next_fetch_at <= now),
                       Mailbox.fetch_lease_until.is_null() | (Mailbox.fetch_lease_until < now))
                .order_by(Mailbox.last_fetch_at.asc(nulls="first"), Mailbox.id).tuples())
    by_workspace = {}
    for mailbox_id, workspace_id in rows:
        by_workspace.setdefault(workspace_id, []).append(mailbox_id)
    order = []
    while by_workspace:  # round robin: the first mailbox of each workspace, then the second...
        for workspace_id in list(by_workspace):
            order.append(by_workspace[workspace_id].pop(0))
            if not by_workspace[workspace_id]:
                del by_workspace[workspace_id]
    for mailbox_id in order:
        try:
            enqueue(fetch_mailbox, mailbox_id, retry=False, **passed)
        except Exception:  # in-process: one mailbox's bug must not stop the others
            log.exception("fetching mailbox %s failed", mailbox_id)
    return order


def _take_lease(mailbox_id, now):
    return (Mailbox.update(fetch_lease_until=now + FETCH_LEASE)
            .where(Mailbox.id == mailbox_id,
                   Mailbox.fetch_lease_until.is_null() | (Mailbox.fetch_lease_until < now)).execute())


@job
def fetch_mailbox(mailbox_id, now=None):
    """Fetch one mailbox now: store, then process, each new message. Returns a summary dict.

    Idempotent: a message is stored once per mailbox + UIDVALIDITY + UID and
    processed once; a second run, or a run after a kill, continues where the
    last one stopped.
    """
    now = now or utcnow()
    summary = {"mailbox": mailbox_id, "stored": 0, "processed": 0, "more": False, "error": None}
    mailbox = (Mailbox.select(Mailbox, Workspace).join(Workspace).where(Mailbox.id == mailbox_id).first())
    if mailbox is None or mailbox.workspace.status == Workspace.CANCELLED:
        summary["error"] = "no such mailbox"
        return summary
    if not _take_lease(mailbox_id, now):
        summary["error"] = "a fetch of this mailbox is already running"
        return summary
    try:
        for inbound_id in services.pending_ids(mailbox_id=mailbox_id):
            process_inbound(inbound_id, now=now)
            summary["processed"] += 1
        _fetch_new(mailbox, now, summary)
    except MailConnectionError as error:
        summary["error"] = str(error)
    finally:
        _record_result(mailbox, now, summary)
    if summary["more"] and queue() is not None and not summary["error"]:
        enqueue(fetch_mailbox, mailbox_id, retry=False)  # behind the other mailboxes' jobs
    return summary


def _fetch_new(mailbox, now, summary):
    batch = _config("MAIL_FETCH_BATCH", 50)
    with services.open_imap(mailbox, now=now) as client:
        uidvalidity, uidnext, _count = client.select(mailbox.imap_folder)
        if mailbox.uidvalidity != uidvalidity:
            _start_position(mailbox, client, uidvalidity, uidnext, now)
        uids = client.uids_after(mailbox.last_uid)
        summary["more"] = len(uids) > batch
        for uid in uids[:batch]:
            if not Mailbox.select().where(Mailbox.id == mailbox.id).exists():
                summary["error"] = "the mailbox was removed"  # R25: stop at once
                summary["more"] = False
                return
            raw = client.fetch(uid)
            if raw is None:  # deleted on the server meanwhile: move past it
                Mailbox.update(last_uid=uid).where(Mailbox.id == mailbox.id, Mailbox.last_uid < uid).execute()
                continue
            row, created = store_inbound(mailbox.workspace_id, mailbox.id, uidvalidity, uid, raw, now=now)
            summary["stored"] += created
            process_inbound(row.id, now=now)
            summary["processed"] += 1
            mailbox.last_uid = uid


def _start_position(mailbox, client, uidvalidity, uidnext, now):
    """First fetch of this folder (or its UIDs were renumbered): begin with the last MAIL_IMPORT_DAYS days."""
    days = _config("MAIL_IMPORT_DAYS", 7)
    start = max(uidnext - 1, 0)
    if days > 0:
        since = (now - timedelta(days=days)).strftime("%d-%b-%Y")
        recent = client.search_uids(f"SINCE {since}")
        if recent:
            start = min(recent) - 1
    mailbox.uidvalidity, mailbox.last_uid = uidvalidity, start
    Mailbox.update(uidvalidity=uidvalidity, last_uid=start).where(Mailbox.id == mailbox.id).execute()
    log.info("mailbox %s: new UIDVALIDITY %s, starting after UID %s", mailbox.id, uidvalidity, start)


def _record_result(mailbox, now, summary):
    """Release the lease and note how it went: due again in a minute, at once, or after a backoff."""
    if summary["error"]:
        failures = mailbox.consecutive_failures + 1
        values = {Mailbox.consecutive_failures: failures, Mailbox.last_fetch_error: summary["error"],
                  Mailbox.next_fetch_at: now + services.backoff(failures)}
        log.warning("fetching mailbox %s failed (%d in a row): %s", mailbox.id, failures, summary["error"])
    else:
        interval = timedelta(seconds=_config("MAIL_FETCH_INTERVAL", 60))
        values = {Mailbox.consecutive_failures: 0, Mailbox.last_fetch_error: None,
                  Mailbox.next_fetch_at: now if summary["more"] else now + interval}
    values[Mailbox.fetch_lease_until] = None
    values[Mailbox.last_fetch_at] = now
    Mailbox.update(values).where(Mailbox.id == mailbox.id).execute()


@job
def process_stranded(now=None):
    """Process stored messages left pending for over a minute whose mailbox is gone or idle. Returns how many."""
    now = now or utcnow()
    ids = services.pending_ids(older_than=now - timedelta(minutes=1))
    for inbound_id in ids:
        process_inbound(inbound_id, now=now)
    return len(ids)


@job
def mail_minutely(now=None):
    """The mail channel's periodic work: fetch due mailboxes, send waiting replies, finish stranded messages."""
    now = now or utcnow()
    fetched = fetch_due_mailboxes(now=now)
    sent = send_due_replies(now=now)
    stranded = process_stranded(now=now)
    return {"fetched": fetched, "replies": sent, "stranded": stranded}
