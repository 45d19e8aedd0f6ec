"""In Chromium: an operator publishes a terms version that the owner then accepts at sign-in; the
console's dashboard, jobs, terms and announcement pages and the owner's acceptance page with hostile
data, at 1366x850 and 390x844 (screenshots under test-artifacts/screenshots/)."""
import json
from datetime import timedelta

from helpdesk.core.clock import utcnow
from helpdesk.operator.snapshots import DailySnapshot
from helpdesk.operator.terms import TermsAcceptance
from tests.browser import fits, sign_in
from tests.conftest import drain_jobs
from tests.factories import make_workspace, owner_of
from tests.operator.helpers import make_operator, totp_of

LONG = "W" * 280
HOSTILE = f"<script>alert(1)</script> {LONG} שלום עולם — maintenance"
LAPTOP, PHONE = {"width": 1366, "height": 850}, {"width": 390, "height": 844}


def _both_widths(page, shots, name):
    page.set_viewport_size(LAPTOP)
    shots.take(page, name, phone=True)
    assert fits(page), name
    page.set_viewport_size(PHONE)
    assert fits(page), f"{name} (phone)"
    page.set_viewport_size(LAPTOP)


def _into_console(app, page, operator):
    sign_in(page, operator)
    page.goto("/operator/second-factor/setup")
    totp = totp_of(app, operator)
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Confirm and continue").click()
    page.get_by_role("link", name="I saved them: continue").click()


def test_terms_published_in_the_console_are_accepted_by_the_owner_at_sign_in(app, new_page, shots):
    today = utcnow().date()
    with app.app_context():
        operator = make_operator()
        workspace = make_workspace(name=f"Team {LONG[:110]}")  # the longest name a workspace takes (120)
        owner = owner_of(workspace).user
        DailySnapshot.insert_many([{
            "day": today - timedelta(days=n), "workspaces_by_state": json.dumps({"trial": 9000 - n * 3, "active": n * 4,
                                                                                 "lapsed": 120, "suspended": 3}),
            "mrr_by_currency": json.dumps({"EUR": n * 123456, "USD": n * 5000}), "trials_started": 30 + n % 11,
            "trials_converted": n % 9, "tickets_created": 40000 + (n * 37) % 5000, "mail_processed": 90000,
            "queue_depth": n % 40, "failed_jobs": n % 4} for n in range(1, 366)]).execute()

    page = new_page()
    page.set_viewport_size(LAPTOP)
    _into_console(app, page, operator)
    page.goto("/operator/dashboard")
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()
    assert page.get_by_text("has not run these periodic jobs").is_visible()  # no worker ran here
    _both_widths(page, shots, "dashboard")
    page.goto("/operator/jobs")
    _both_widths(page, shots, "jobs")

    page.goto("/operator/terms")
    page.get_by_label("Version", exact=True).fill("2027-01-01")
    page.get_by_label("What changed").fill(HOSTILE + "\nRefunds within 30 days.")
    page.get_by_role("button", name="Publish and email the owners").click()
    assert page.get_by_role("heading", name="Terms version 2027-01-01").is_visible()
    page.goto("/operator/terms")
    _both_widths(page, shots, "terms")

    page.goto("/operator/announcements")
    page.get_by_label("Subject", exact=True).fill(HOSTILE)
    page.get_by_label("Text", exact=True).fill(HOSTILE)
    page.get_by_role("button", name="Send the announcement").click()
    page.get_by_role("progressbar").wait_for()
    with app.app_context():
        drain_jobs()  # on Redis the worker's part; in-process it ran already
    page.get_by_text("1 of 1 sent.").wait_for()  # the polling partial sees it
    _both_widths(page, shots, "announcement-progress")
    page.goto("/operator/announcements")
    _both_widths(page, shots, "announcements")

    owner_page = new_page(expected_errors=("status of 422",))  # the form sent without the box ticked
    owner_page.set_viewport_size(LAPTOP)
    sign_in(owner_page, owner)
    assert owner_page.get_by_role("heading", name="New terms of service").is_visible()  # before anything else
    assert owner_page.get_by_text("Refunds within 30 days.").is_visible()
    _both_widths(owner_page, shots, "accept-terms")
    owner_page.get_by_role("button", name="Accept the terms and continue").click()
    assert owner_page.get_by_text("Tick the box to accept the terms").is_visible()
    owner_page.get_by_label("I have read and accept these terms").check()
    owner_page.get_by_role("button", name="Accept the terms and continue").click()
    assert owner_page.get_by_text("you accepted the terms, version 2027-01-01").is_visible()
    assert f"/w/{workspace.slug}/" in owner_page.url
    assert owner_page.get_by_role("button", name="Dismiss this announcement").is_visible()
    _both_widths(owner_page, shots, "workspace-with-announcement")
    owner_page.get_by_role("button", name="Dismiss this announcement").click()
    assert owner_page.get_by_role("button", name="Dismiss this announcement").count() == 0
    with app.app_context():
        assert TermsAcceptance.get().version == "2027-01-01"

    page.goto("/operator/terms")
    page.get_by_role("link", name="2027-01-01").click()
    assert page.get_by_role("cell", name=owner.email).is_visible()
    _both_widths(page, shots, "terms-acceptances")
