"""Periodic jobs record their runs; a job not run for twice its interval is overdue."""
from datetime import timedelta

import pytest

from helpdesk import jobs
from helpdesk.core.clock import utcnow
from helpdesk.core.periodic_runs import PeriodicRun, periodic_status, run_periodic


def test_the_periodic_loop_records_each_run(app_context, monkeypatch):
    monkeypatch.setattr(jobs, "_last_in_process_run", {})
    connection = jobs.redis_connection()
    if connection is not None:
        for key in connection.scan_iter(f"{jobs.current_app.config['QUEUE_NAME']}:periodic:*"):
            connection.delete(key)
    from tests.conftest import drain_jobs

    due = jobs.enqueue_due_periodic_jobs()
    drain_jobs()
    runs = {run.path: run for run in PeriodicRun.select()}
    assert set(due) <= set(runs)
    assert all(runs[path].last_finished_at and runs[path].last_error == "" for path in due)


def test_a_failing_job_keeps_its_error(app_context):
    with pytest.raises(ModuleNotFoundError):
        run_periodic("helpdesk.no_such_module.job")
    run = PeriodicRun.get()
    assert "ModuleNotFoundError" in run.last_error and run.last_finished_at is not None


def test_overdue_after_twice_the_interval_or_never_run(app_context):
    now = utcnow()
    PeriodicRun.create(path="a.daily", last_started_at=now - timedelta(hours=47), last_finished_at=now)
    PeriodicRun.create(path="a.minutely", last_started_at=now - timedelta(seconds=121), last_finished_at=now)
    rows = {row["path"]: row for row in periodic_status(
        [("a.daily", 86400), ("a.minutely", 60), ("a.never", 60)], now=now)}
    assert not rows["a.daily"]["overdue"] and rows["a.daily"]["next_run_at"] == now + timedelta(hours=-47, days=1)
    assert rows["a.minutely"]["overdue"] and rows["a.never"]["overdue"]
