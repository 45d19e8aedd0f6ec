"""The console's dashboard, jobs, terms and announcements pages, as an operator uses them."""
import json
import re
from datetime import timedelta

from helpdesk.core.clock import utcnow
from helpdesk.core.periodic_runs import PeriodicRun
from helpdesk.jobs import PERIODIC_JOBS
from helpdesk.operator.announcements import Announcement
from helpdesk.operator.log import OperatorLogEntry
from helpdesk.operator.snapshots import DailySnapshot
from helpdesk.operator.terms import TermsVersion
from tests.conftest import post, sent_mail, sign_in
from tests.factories import make_user, make_workspace, owner_of
from tests.operator.helpers import console_client


def _year_of_snapshots(today):
    DailySnapshot.insert_many([{
        "day": today - timedelta(days=n), "workspaces_by_state": json.dumps({"trial": 400 - n, "active": n}),
        "mrr_by_currency": json.dumps({"EUR": n * 1000}), "trials_started": n % 5, "trials_converted": n % 2,
        "tickets_created": 50 + n % 7, "mail_processed": 80, "queue_depth": 3, "failed_jobs": n % 3,
    } for n in range(1, 366)]).execute()


def test_the_dashboard_draws_every_chart_from_the_snapshots(app):
    client, _operator = console_client(app)
    _year_of_snapshots(utcnow().date())
    page = client.get("/operator/dashboard").get_data(as_text=True)
    for title in ("Workspaces by state", "Monthly recurring revenue", "Trials per week", "Tickets and mail per day",
                  "Queue depth and failed jobs"):
        assert title in page
    assert page.count("<polyline") >= 8 and "<rect x=" in page
    assert "<script" not in page.split("</head>")[1]  # no inline script (CSP)
    assert "Figures as a table" in page


def test_the_dashboard_warns_when_a_periodic_job_has_not_run_for_twice_its_interval(app):
    client, _operator = console_client(app)
    now = utcnow()
    for path, interval in PERIODIC_JOBS:
        PeriodicRun.create(path=path, last_started_at=now - timedelta(seconds=interval), last_finished_at=now)
    assert "has not run these periodic jobs" not in client.get("/operator/dashboard").get_data(as_text=True)
    late_path = PERIODIC_JOBS[0][0]
    PeriodicRun.update(last_started_at=now - timedelta(seconds=2 * PERIODIC_JOBS[0][1] + 60)).where(
        PeriodicRun.path == late_path).execute()
    page = client.get("/operator/dashboard").get_data(as_text=True)
    assert "has not run these periodic jobs" in page and late_path in page


def test_the_empty_dashboard_says_there_are_no_figures_yet(app):
    client, _operator = console_client(app)
    page = client.get("/operator/dashboard").get_data(as_text=True)
    assert "No daily snapshot yet" in page and "never run" in page


def test_the_jobs_page_lists_the_periodic_jobs_and_says_when_jobs_run_in_process(app, monkeypatch):
    client, _operator = console_client(app)
    PeriodicRun.create(path=PERIODIC_JOBS[1][0], last_started_at=utcnow(), last_error="OSError: disk full")
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    page = client.get("/operator/jobs").get_data(as_text=True)
    assert "Jobs run in-process here" in page
    assert all(path in page for path, _ in PERIODIC_JOBS) and "OSError: disk full" in page


def test_publishing_terms_from_the_console(app):
    client, operator = console_client(app)
    with app.app_context():
        owner = owner_of(make_workspace()).user
    refused = post(client, "/operator/terms", {"version": " ", "summary": "x"})
    assert refused.status_code == 422
    response = post(client, "/operator/terms", {"version": "2027-01-01", "summary": "New <b>refund</b> rules"})
    assert response.status_code == 302
    assert [m["To"] for m in sent_mail(app)] == [owner.email]
    assert OperatorLogEntry.get().action == "publish_terms"
    again = post(client, "/operator/terms", {"version": "2027-01-01", "summary": "again"})
    assert again.status_code == 422 and "exists already" in again.get_data(as_text=True)
    owner_client = app.test_client()
    sign_in(owner_client, owner)
    accept = owner_client.get(owner_client.get("/").headers["Location"])
    accept = owner_client.get(accept.headers["Location"])
    assert "New &lt;b&gt;refund&lt;/b&gt; rules" in accept.get_data(as_text=True)
    post(owner_client, "/terms/accept", {"version": "2027-01-01", "accept": "y"})
    listing = client.get(f"/operator/terms/{TermsVersion.get().id}").get_data(as_text=True)
    assert owner.email in listing and "1 person accepted it" in listing


def test_an_announcement_from_the_console_with_its_progress(app):
    client, _operator = console_client(app)
    with app.app_context():
        owners = [owner_of(make_workspace()).user for _ in range(3)]
    response = post(client, "/operator/announcements", {"subject": "Maintenance", "body": "Sunday 02:00 UTC",
                                                         "state": "", "plan": ""})
    assert response.status_code == 302
    assert sorted(m["To"] for m in sent_mail(app)) == sorted(o.email for o in owners)  # (drains the queue)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'<progress id="announcement-bar" max="3" value="3"', page)
    assert "hx-trigger" not in page  # done: the partial stops polling
    assert OperatorLogEntry.get().action == "send_announcement"


def test_the_progress_partial_polls_while_emails_wait(app):
    client, operator = console_client(app)
    with app.app_context():
        make_workspace()
        from helpdesk.operator import announcements

        announcements.create_announcement("First", "text", operator=operator, now=utcnow())
        held = announcements.create_announcement("Second", "text", operator=operator, now=utcnow())
    partial = client.get(f"/operator/announcements/{held.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.startswith('<div id="announcement-progress"') and 'hx-trigger="every 2s"' in partial
    assert "1 waits" in partial


def test_an_announcement_matching_nobody_is_refused(app):
    client, _operator = console_client(app)
    with app.app_context():
        make_workspace()
    response = post(client, "/operator/announcements", {"subject": "S", "body": "B", "state": "suspended", "plan": ""})
    assert response.status_code == 422 and "No owner or admin matches" in response.get_data(as_text=True)
    assert Announcement.select().count() == 0


def test_a_non_operator_cannot_publish_or_announce(app):
    client = app.test_client()
    with app.app_context():
        person = make_user()
    sign_in(client, person)
    assert post(client, "/operator/terms", {"version": "x", "summary": "y"}).status_code == 404
    assert post(client, "/operator/announcements", {"subject": "S", "body": "B"}).status_code == 404
    assert TermsVersion.select().count() == 0 and Announcement.select().count() == 0
