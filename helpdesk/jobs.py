"""Background jobs.

With `REDIS_URL` set, `enqueue()` puts a job on the RQ queue and `flask worker`
(the Procfile's `worker`) runs it, with RQ's scheduler for retries and a thread
that enqueues the periodic jobs listed in `PERIODIC_JOBS`. Without it (a laptop's first run, the
tests on SQLite) the job runs in-process at once, so nothing needs Redis.

Jobs are plain functions decorated with `@job`: they take ids, not objects,
and are idempotent, so a retry or a second run changes nothing. A job that
raises `TemporaryFailure` keeps its next try in the database (a row's
`next_attempt_at`) with a periodic job that runs it when due: in-process there
is no scheduler, so the failed run is not repeated at once but waits for that
sweep, and on Redis RQ's retries only come on top of it.
"""
import functools
import logging
import threading
import time

from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Retry

log = logging.getLogger(__name__)

# Retries for temporary failures (SMTP 4xx, timeouts): 5 tries over about half an hour.
DEFAULT_RETRY_INTERVALS = [10, 60, 300, 600, 900]

# The periodic jobs: (dotted function path, interval in seconds).
PERIODIC_JOBS = [
    ("helpdesk.accounts.jobs.purge_expired_tokens", 24 * 3600),
    ("helpdesk.core.mailer.send_due_system_emails", 60),  # retries of system mail, in-process too
    ("helpdesk.mail.jobs.mail_minutely", 60),  # fetch due mailboxes, send waiting replies
    ("helpdesk.mail.send.send_due_replies", 10),  # replies whose undo delay ended go out soon after it
    ("helpdesk.billing.jobs.lifecycle_daily", 24 * 3600),  # lapse, reminders, warnings, deletions
    ("helpdesk.core.storage.sweep.sweep_orphan_files", 24 * 3600),  # files a rolled-back transaction left
    ("helpdesk.operator.snapshots.snapshot_daily", 3600),  # the dashboard's figures, one row per day
    ("helpdesk.operator.announcements.send_waiting_announcements", 3600),  # held back by one-a-day
    ("helpdesk.suggestions.notify.send_due_notices", 60),  # suggestion mail held back by the hourly limit
    ("helpdesk.suggestions.trending.recount_trending", 24 * 3600),  # trending: votes of the last 14 days
    ("helpdesk.tickets.jobs.wake_snoozed_tickets", 60),  # snoozed tickets whose time came
]


class TemporaryFailure(Exception):
    """A failure worth retrying later (a server said 'try again')."""


def job(func):
    """Run `func` inside an application context with a database connection."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return _with_connection(func, *args, **kwargs)
        from helpdesk import create_app

        with create_app().app_context():
            return _with_connection(func, *args, **kwargs)

    return wrapper


def _with_connection(func, *args, **kwargs):
    from helpdesk.extensions import db

    database = db.database
    if database.is_closed():
        with database.connection_context():
            return func(*args, **kwargs)
    return func(*args, **kwargs)


def redis_connection(app=None):
    """The Redis connection for jobs, or None when running in-process."""
    app = app or current_app
    url = app.config["REDIS_URL"]
    if not url:
        return None
    if "redis" not in app.extensions:
        app.extensions["redis"] = Redis.from_url(url)
    return app.extensions["redis"]


def queue(app=None):
    """The RQ queue, or None when jobs run in-process."""
    app = app or current_app
    connection = redis_connection(app)
    return Queue(app.config["QUEUE_NAME"], connection=connection) if connection else None


def enqueue(func, *args, retry=True, **kwargs):
    """Run `func(*args, **kwargs)` as a job: on Redis when configured, else now, here.

    `func` may be a dotted path, so that a domain can start a job of a domain it
    must not import (tickets start the mail domain's delivery job). `retry` lets RQ
    run it again after a `TemporaryFailure`; in-process a failed run is only logged
    (see the module docstring).
    """
    rq_queue = queue()
    if rq_queue is not None:
        return rq_queue.enqueue(
            func, *args, **kwargs,
            retry=Retry(max=len(DEFAULT_RETRY_INTERVALS), interval=DEFAULT_RETRY_INTERVALS) if retry else None,
        )
    if isinstance(func, str):
        func = resolve(func)
    try:
        return func(*args, **kwargs)
    except TemporaryFailure as error:
        # Retrying here would spend every attempt within milliseconds: the job's row says when
        # it is due again, and its periodic sweep runs it then.
        log.warning("job %s failed, tried again when due: %s", getattr(func, "__name__", func), error)
    return None


def resolve(dotted_path):
    """The function named by a dotted path."""
    import importlib

    module_name, name = dotted_path.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), name)


_last_in_process_run = {}


def enqueue_due_periodic_jobs():
    """Enqueue each periodic job whose interval has passed; returns their paths.

    On Redis a key per job (SET NX with the interval as expiry) lets any number
    of workers run this loop while each job is enqueued once per interval.
    """
    connection = redis_connection()
    due = []
    for path, interval in PERIODIC_JOBS:
        if connection is not None:
            key = f"{current_app.config['QUEUE_NAME']}:periodic:{path}"
            if not connection.set(key, "1", nx=True, ex=interval):
                continue
        else:
            now = time.monotonic()
            if now - _last_in_process_run.get(path, -interval) < interval:
                continue
            _last_in_process_run[path] = now
        due.append(path)
        # By path: core.periodic_runs imports this module. It records the run, then calls `path`.
        enqueue("helpdesk.core.periodic_runs.run_periodic", path)
    return due


def start_periodic_thread(app, tick_seconds=30):
    """Check the periodic jobs every `tick_seconds` from a daemon thread. Returns the thread."""

    def loop():
        while True:
            with app.app_context():
                try:
                    enqueue_due_periodic_jobs()
                except Exception:
                    log.exception("enqueuing periodic jobs failed")
            time.sleep(tick_seconds)

    thread = threading.Thread(target=loop, name="periodic-jobs", daemon=True)
    thread.start()
    return thread
