"""The RQ queue as the operator sees it: counts per registry, failed jobs with their errors, retry
or delete one. Without Redis (`REDIS_URL` unset) jobs run in-process and there is no queue:
`queue_overview()` then returns None and the page says so.
"""
from flask import current_app
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    FinishedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)

from helpdesk.jobs import redis_connection

FAILED_PAGE = 50
REGISTRIES = (("running", StartedJobRegistry), ("scheduled", ScheduledJobRegistry),
              ("deferred", DeferredJobRegistry), ("failed", FailedJobRegistry), ("finished", FinishedJobRegistry))


class QueueError(Exception):
    """A queue action was refused; the message is meant for the operator."""


def _queue():
    connection = redis_connection()
    return Queue(current_app.config["QUEUE_NAME"], connection=connection) if connection else None


def queue_overview():
    """{"name", "counts": [(label, count)], "failed": [failed job dicts]} or None in-process."""
    rq_queue = _queue()
    if rq_queue is None:
        return None
    counts = [("waiting", rq_queue.count)]
    counts += [(label, registry(queue=rq_queue).count) for label, registry in REGISTRIES]
    failed_registry = FailedJobRegistry(queue=rq_queue)
    ids = failed_registry.get_job_ids(0, FAILED_PAGE - 1, desc=True)
    failed = []
    for job_id, job in zip(ids, Job.fetch_many(ids, connection=rq_queue.connection)):
        if job is None:
            continue
        failed.append({"id": job_id, "function": job.func_name, "args": repr(job.args)[:200],
                       "ended_at": job.ended_at, "error": _error_of(job)})
    return {"name": rq_queue.name, "counts": counts, "failed": failed,
            "failed_total": dict(counts)["failed"]}


def _error_of(job):
    """The traceback RQ kept of the job's last run."""
    result = job.latest_result()
    return (result.exc_string or "") if result is not None else ""


def _failed_job(job_id):
    rq_queue = _queue()
    if rq_queue is None:
        raise QueueError("Jobs run in-process here: there is no queue.")
    registry = FailedJobRegistry(queue=rq_queue)
    if job_id not in registry.get_job_ids():
        raise QueueError("That job is no longer among the failed ones (retried or deleted already?).")
    return registry


def retry_failed_job(job_id):
    """Put a failed job back on the queue."""
    registry = _failed_job(job_id)
    try:
        registry.requeue(job_id)
    except NoSuchJobError:
        raise QueueError("That job's data expired; delete it instead.") from None


def delete_failed_job(job_id):
    """Forget a failed job and its data."""
    _failed_job(job_id).remove(job_id, delete_job=True)
