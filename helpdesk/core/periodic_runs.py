"""When each periodic job last ran, for the operator's jobs page and the dashboard's warning.

`jobs.enqueue_due_periodic_jobs` enqueues `run_periodic(path)` rather than the job itself, so the
run is recorded wherever it happens (an RQ worker or in-process): its start, its end, its error.
"""
from datetime import timedelta

from peewee import CharField, DateTimeField, TextField

from helpdesk.core.clock import utcnow
from helpdesk.jobs import job, resolve
from helpdesk.models import BaseModel


class PeriodicRun(BaseModel):
    """The latest run of one periodic job (one row per dotted path)."""

    path = CharField(max_length=200, unique=True)
    last_started_at = DateTimeField(null=True)
    last_finished_at = DateTimeField(null=True)  # null while the first run goes on (or died)
    last_error = TextField(default="")  # the latest run's exception, empty when it succeeded


def _record(path, **values):
    if not PeriodicRun.update(**values).where(PeriodicRun.path == path).execute():
        PeriodicRun.insert(path=path, **values).on_conflict_ignore().execute()
        PeriodicRun.update(**values).where(PeriodicRun.path == path).execute()


@job
def run_periodic(path):
    """Run the periodic job `path`, recording when it started and how it ended."""
    _record(path, last_started_at=utcnow())
    try:
        result = resolve(path)()
    except Exception as error:
        _record(path, last_finished_at=utcnow(), last_error=f"{type(error).__name__}: {error}"[:2000])
        raise
    _record(path, last_finished_at=utcnow(), last_error="")
    return result


def periodic_status(periodic_jobs, *, now):
    """Each periodic job with its last run, next run and whether it is overdue (not run for twice its
    interval): one query. Returns dicts sorted as `periodic_jobs`."""
    runs = {run.path: run for run in PeriodicRun.select()}
    rows = []
    for path, interval in periodic_jobs:
        run = runs.get(path)
        started = run.last_started_at if run else None
        next_run = started + timedelta(seconds=interval) if started else None
        rows.append({"path": path, "interval": interval, "run": run, "last_started_at": started,
                     "next_run_at": next_run,
                     "overdue": started is None or (now - started).total_seconds() > 2 * interval})
    return rows

