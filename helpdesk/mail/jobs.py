"""Mail jobs: fetch each mailbox (one job per mailbox), and sweep replies that still wait to go out.

`fetch_due_mailboxes` runs every minute (`PERIODIC_JOBS`) and enqueues one
`fetch_mailbox(id)` per mailbox that is due, taking workspaces in turn, so a
workspace with many mailboxes does not push the others back. Each fetch takes at
most `MAIL_FETCH_BATCH` messages and every socket has `MAIL_SOCKET_TIMEOUT`, so
one large or slow mailbox never starves the rest; a mailbox with more waiting is
due again at once (on Redis its next job goes to the back of the queue). A
failing server is retried after 1, 2, 4... minutes (at most an hour), and its
error is shown on the mailboxes page.

A fetch holds a lease on its mailbox (`FETCH_LEASE`), recorded with the
holder's host and process id: a fetch whose holder is a process of this host
that no longer exists is taken over at once (`flask mail fetch --take-over`
takes over any lease). It first processes what an earlier run stored but did
not process (it was killed), then reads new UIDs. A message that cannot be
stored or processed is logged as failed and the fetch goes on; a run that
stops on an unexpected error records it on the mailbox (never as a success). The first fetch of a folder (or after its
UIDVALIDITY changed) starts with the messages of the last `MAIL_IMPORT_DAYS`
days. Mail of a lapsed workspace is still fetched and processed (R13); a
cancelled workspace's is not (R19).
"""
import logging
import os
import socket
from datetime import timedelta

from flask import current_app

from helpdesk.core.clock import utcnow
from helpdesk.jobs import enqueue, job, queue
from helpdesk.mail import services
from helpdesk.mail.imap import MailConnectionError
from helpdesk.mail.ingest import process_inbound, process_stored, store_inbound
from helpdesk.mail.models import InboundStatus, Mailbox
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
    rows = list(Mailbox.select(Mailbox.id, Mailbox.workspace, Mailbox.fetch_lease_until, Mailbox.fetch_lease_holder)
                .join(Workspace)
                .where(Workspace.status != Workspace.CANCELLED,
                       Mailbox.next_fetch_at.is_null() | (Mailbox.next_fetch_at <= now))
                .order_by(Mailbox.last_fetch_at.asc(nulls="first"), Mailbox.id).tuples())
    by_workspace = {}
    for mailbox_id, workspace_id, lease_until, holder in rows:
        if _lease_open(lease_until, holder, now):
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


def lease_holder():
    """This process as a lease records it: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_gone(holder):
    """True when `holder` ("host:pid") was a process of this host that no longer exists.

    False when unsure: a process of another host, an unrecorded holder, or a pid
    in use again (then the lease runs out after `FETCH_LEASE`).
    """
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        pass
    return False


def _lease_open(until, holder, now):
    """A lease may be taken: none, run out, or its holder gone."""
    return until is None or until < now or holder_is_gone(holder)


def _take_lease(mailbox, now, take_over):
    """(taken, took_over): the lease of `mailbox` (as just read) when it is open or `take_over` asked.

    `took_over` is the holder of a lease that had not run out ("host:pid"), else None.
    """
    until, holder = mailbox.fetch_lease_until, mailbox.fetch_lease_holder
    if not (take_over or _lease_open(until, holder, now)):
        return False, None
    # Compare and set: of two runs taking the same lease, one wins.
    taken = (Mailbox.update(fetch_lease_until=now + FETCH_LEASE, fetch_lease_holder=lease_holder())
             .where(Mailbox.id == mailbox.id, _unchanged(Mailbox.fetch_lease_until, until),
                    _unchanged(Mailbox.fetch_lease_holder, holder)).execute())
    if not taken or until is None or until < now:
        return bool(taken), None
    log.warning("mailbox %s: took over the fetch lease of %s", mailbox.id, holder or "an unrecorded process")
    return True, holder or "an unrecorded process"


def _unchanged(column, value):
    return column.is_null() if value is None else column == value


def _busy(mailbox):
    holder, until = mailbox.fetch_lease_holder, mailbox.fetch_lease_until
    who = f"process {holder.rpartition(':')[2]} on {holder.rpartition(':')[0]}" if holder else "another process"
    lease = f", its lease runs until {until:%H:%M:%S} UTC" if until else ""
    return (f"a fetch of this mailbox is already running ({who}{lease}); "
            f"if that process is gone, `flask mail fetch --mailbox {mailbox.id} --take-over` runs one now")


@job
def fetch_mailbox(mailbox_id, now=None, take_over=False):
    """Fetch one mailbox now: store, then process, each new message. Returns a summary dict.

    Idempotent: a message is stored once per mailbox + UIDVALIDITY + UID and
    processed once; a second run, or a run after a kill, continues where the
    last one stopped. `take_over`: run even when the lease is held by a process
    that may be alive (whose lease is then `took_over`); two runs at once store and
    process nothing twice, but do the work twice.
    """
    now = now or utcnow()
    summary = {"mailbox": mailbox_id, "stored": 0, "processed": 0, "failed": 0, "more": False, "error": None,
               "took_over": None}
    mailbox = (Mailbox.select(Mailbox, Workspace).join(Workspace).where(Mailbox.id == mailbox_id).first())
    if mailbox is None or mailbox.workspace.status == Workspace.CANCELLED:
        summary["error"] = "no such mailbox"
        return summary
    taken, summary["took_over"] = _take_lease(mailbox, now, take_over)
    if not taken:
        summary["error"] = _busy(mailbox)
        return summary
    finished = False
    try:
        for inbound_id in services.pending_ids(mailbox_id=mailbox_id):
            _count(summary, process_inbound(inbound_id, now=now))
        _fetch_new(mailbox, now, summary)
        finished = True
    except MailConnectionError as error:
        summary["error"] = str(error)
    except Exception as error:  # noqa: BLE001 - recorded on the mailbox and retried after a backoff
        log.exception("fetching mailbox %s stopped", mailbox_id)
        summary["error"] = f"The fetch stopped on an unexpected error ({type(error).__name__}: {error})"
    finally:
        if not finished and not summary["error"]:  # interrupted (KeyboardInterrupt, SystemExit)
            summary["error"] = "The fetch was interrupted."
        _record_result(mailbox, now, summary)
    if summary["more"] and queue() is not None and not summary["error"]:
        enqueue(fetch_mailbox, mailbox_id, retry=False)  # behind the other mailboxes' jobs
    return summary


def _count(summary, row):
    summary["processed"] += 1
    summary["failed"] += row is not None and row.status == InboundStatus.FAILED


def _fetch_new(mailbox, now, summary):
    """Store then process each new message; the position moves once, at the end (or where it stopped)."""
    batch = _config("MAIL_FETCH_BATCH", 50)
    with services.open_imap(mailbox, now=now) as client:
        uidvalidity, uidnext, _messages = client.select(mailbox.imap_folder)
        if mailbox.uidvalidity != uidvalidity:
            _start_position(mailbox, client, uidvalidity, uidnext, now)
        uids = client.uids_after(mailbox.last_uid)
        summary["more"] = len(uids) > batch
        done = None
        try:
            for uid in uids[:batch]:
                if not Mailbox.select().where(Mailbox.id == mailbox.id).exists():
                    summary["error"] = "the mailbox was removed"  # R25: stop at once
                    summary["more"] = False
                    return
                raw = client.fetch(uid)
                if raw is not None:  # else deleted on the server meanwhile: move past it
                    row, created = store_inbound(mailbox.workspace_id, mailbox.id, uidvalidity, uid, raw, now=now)
                    summary["stored"] += created
                    _count(summary, process_stored(row, now=now, raw=raw))
                done = uid
        finally:
            # A run killed before this fetches its batch again and finds each message stored (one row per UID).
            if done is not None:
                Mailbox.update(last_uid=done).where(Mailbox.id == mailbox.id, Mailbox.uidvalidity == uidvalidity,
                                                    Mailbox.last_uid < done).execute()
                mailbox.last_uid = done


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
    values[Mailbox.fetch_lease_until] = values[Mailbox.fetch_lease_holder] = None
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
