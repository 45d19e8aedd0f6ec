"""Jobs: the periodic registry, enqueue in-process or on Redis, idempotent periodic enqueueing."""
from helpdesk import jobs
from helpdesk.accounts.models import AccountToken
from helpdesk.accounts.services import issue_token
from helpdesk.core.clock import utcnow
from tests.conftest import drain_jobs
from tests.factories import make_user


def test_every_periodic_job_resolves_to_a_job_function():
    for path, interval in jobs.PERIODIC_JOBS:
        assert callable(jobs.resolve(path)) and interval > 0


def test_due_periodic_jobs_run_once_per_interval(app_context, monkeypatch):
    from datetime import timedelta

    monkeypatch.setattr(jobs, "_last_in_process_run", {})
    user = make_user()
    issue_token(user, AccountToken.VERIFY_EMAIL, now=utcnow() - timedelta(days=10))
    connection = jobs.redis_connection()
    if connection is not None:
        for key in connection.scan_iter(f"{jobs.current_app.config['QUEUE_NAME']}:periodic:*"):
            connection.delete(key)
    first = jobs.enqueue_due_periodic_jobs()
    assert "helpdesk.accounts.jobs.purge_expired_tokens" in first
    assert jobs.enqueue_due_periodic_jobs() == []  # not due again within the interval
    drain_jobs()
    assert AccountToken.select().count() == 0


def test_in_process_a_temporary_failure_is_not_run_again_at_once(app, app_context, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    runs = []

    def busy_server():
        runs.append(1)
        raise jobs.TemporaryFailure("421 try again later")

    assert jobs.enqueue(busy_server) is None
    assert runs == [1]  # its own row says when it is due again; the periodic sweep runs it then


def test_system_mail_retries_are_swept_periodically():
    assert "helpdesk.core.mailer.send_due_system_emails" in dict(jobs.PERIODIC_JOBS)
