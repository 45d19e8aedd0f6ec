"""The jobs page on the real Redis: counts, failed jobs with their errors, retry and delete.

Needs `REDIS_URL`: without it jobs run in-process by design (the SQLite run), so these
skip; CI's second run sets it, and a Redis that is named but unreachable fails there.
"""
import pytest
from rq.registry import FailedJobRegistry

from helpdesk import jobs
from helpdesk.operator import queues
from helpdesk.operator.log import OperatorLogEntry
from tests.conftest import drain_jobs, post
from tests.operator.helpers import console_client


def broken_printer_job():
    raise ValueError("the printer is on fire <script>alert(1)</script>")


@pytest.fixture
def rq_queue(app):
    if not app.config["REDIS_URL"]:
        pytest.skip("jobs run in-process without REDIS_URL; the PostgreSQL + Redis run covers the queues")
    with app.app_context():
        rq_queue = jobs.queue()
        rq_queue.empty()
        for job_id in FailedJobRegistry(queue=rq_queue).get_job_ids():
            FailedJobRegistry(queue=rq_queue).remove(job_id, delete_job=True)
        yield rq_queue


def _fail_one(app):
    with app.app_context():
        job = jobs.enqueue(broken_printer_job, retry=False)
        drain_jobs()
    return job.id


def test_a_failed_job_is_listed_with_its_error_then_retried(app, rq_queue):
    job_id = _fail_one(app)
    with app.app_context():
        overview = queues.queue_overview()
        assert dict(overview["counts"])["failed"] == 1
        assert overview["failed"][0]["id"] == job_id and "printer is on fire" in overview["failed"][0]["error"]
        queues.retry_failed_job(job_id)
        assert rq_queue.job_ids == [job_id]
        assert FailedJobRegistry(queue=rq_queue).count == 0
        with pytest.raises(queues.QueueError, match="no longer among the failed"):
            queues.retry_failed_job(job_id)


def test_the_jobs_page_retries_and_deletes(app, rq_queue):
    client, _operator = console_client(app)
    first, second = _fail_one(app), _fail_one(app)
    page = client.get("/operator/jobs").get_data(as_text=True)
    assert "broken_printer_job" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    assert post(client, f"/operator/jobs/{first}/retry").status_code == 302
    assert post(client, f"/operator/jobs/{second}/delete").status_code == 302
    with app.app_context():
        assert rq_queue.job_ids == [first] and FailedJobRegistry(queue=rq_queue).count == 0
        assert rq_queue.fetch_job(second) is None
    assert [e.action for e in OperatorLogEntry.select().order_by(OperatorLogEntry.id)] == [
        "retry_failed_job", "delete_failed_job"]
    again = post(client, f"/operator/jobs/{second}/delete", follow_redirects=True).get_data(as_text=True)
    assert "no longer among the failed" in again


def test_a_retry_without_csrf_changes_nothing(app, rq_queue):
    client, _operator = console_client(app)
    job_id = _fail_one(app)
    client.post(f"/operator/jobs/{job_id}/retry")
    with app.app_context():
        assert FailedJobRegistry(queue=rq_queue).count == 1
