"""Announcements: owners and admins only, filtered, at most one email per person per day, a banner."""
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.operator import announcements
from helpdesk.operator.announcements import AnnouncementDelivery
from helpdesk.workspaces.models import Role, Workspace
from helpdesk.workspaces.services import change_status
from tests.conftest import post, sent_mail, sign_in
from tests.factories import add_member, make_customer, make_user, make_workspace, owner_of

NOW = utcnow()  # the sending job takes the time of its run: the tests run today


def announce(subject="Maintenance on Sunday", body="The service pauses 02:00-02:30 UTC.", **filters):
    return announcements.create_announcement(subject, body, operator=make_user(), now=NOW, **filters)


def test_owners_and_admins_get_it_agents_and_customers_do_not(app, app_context):
    workspace = make_workspace()
    admin = add_member(workspace, role=Role.ADMIN).user
    agent = add_member(workspace).user
    customer = make_customer(workspace)
    owner = owner_of(workspace).user
    announce()
    to = sorted(m["To"] for m in sent_mail(app))
    assert to == sorted([owner.email, admin.email])
    assert agent.email not in to and customer.email not in to


def test_a_person_in_two_workspaces_gets_one_copy(app, app_context):
    owner = make_user()
    make_workspace(owner=owner)
    make_workspace(owner=owner)
    assert announce().recipients == 1
    assert len(sent_mail(app, to=owner.email)) == 1


def test_filters_by_state_and_plan(app, app_context):
    from helpdesk.billing.models import Plan, Subscription

    trial = make_workspace()
    active = make_workspace()
    change_status(active, Workspace.ACTIVE, now=NOW, reason="paid")
    plan = Plan.create(name="Team", price_per_seat=1000)
    Subscription.create(workspace=active, plan=plan)
    assert announce(state=Workspace.ACTIVE).recipients == 1
    assert announce(plan_id=plan.id).recipients == 1
    to = {m["To"] for m in sent_mail(app)}
    assert owner_of(trial).user.email not in to


def test_never_more_than_one_announcement_email_per_person_per_day(app, app_context):
    owner = owner_of(make_workspace()).user
    announce("First")
    second = announce("Second")
    assert [m["Subject"] for m in sent_mail(app, to=owner.email)] == ["First"]
    assert announcements.progress(second) == {"total": 1, "sent": 0, "waiting": 1, "done": False}
    announcements.send_waiting_announcements(now=NOW)  # same day: still held
    assert len(sent_mail(app, to=owner.email)) == 1
    announcements.send_waiting_announcements(now=NOW + timedelta(days=1))
    assert [m["Subject"] for m in sent_mail(app, to=owner.email)] == ["First", "Second"]
    assert announcements.progress(second)["done"]


def test_a_rerun_sends_nothing_twice(app, app_context):
    owner = owner_of(make_workspace()).user
    first = announce()
    assert len(sent_mail(app, to=owner.email)) == 1  # the queued run (drained on Redis)
    assert announcements.send_announcement(first.id, now=NOW) == 0
    assert len(sent_mail(app, to=owner.email)) == 1


def test_nobody_matching_is_refused_and_nothing_stored(app_context):
    make_workspace()
    with pytest.raises(announcements.AnnouncementError, match="No owner"):
        announce(state=Workspace.SUSPENDED)
    with pytest.raises(announcements.AnnouncementError, match="subject"):
        announce(subject="  ")
    assert announcements.Announcement.select().count() == 0


def test_the_banner_shows_until_dismissed_by_that_person(app, client):
    with app.app_context():
        workspace = make_workspace()
        owner = owner_of(workspace).user
        admin = add_member(workspace, role=Role.ADMIN).user
        announce(body="<script>alert(1)</script> pause")
    sign_in(client, owner)
    page = client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)
    assert "Maintenance on Sunday" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    with app.app_context():
        mine = AnnouncementDelivery.get(AnnouncementDelivery.user == owner.id)
        admins = AnnouncementDelivery.get(AnnouncementDelivery.user == admin.id)
    assert post(client, f"/announcements/{admins.id}/dismiss").status_code == 302  # not theirs: nothing moves
    with app.app_context():
        assert AnnouncementDelivery.get_by_id(admins.id).dismissed_at is None
    response = post(client, f"/announcements/{mine.id}/dismiss", {"back": f"/w/{workspace.slug}/tickets/"})
    assert response.headers["Location"].endswith(f"/w/{workspace.slug}/tickets/")
    assert "Maintenance on Sunday" not in client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)
    other = app.test_client()
    sign_in(other, admin)
    assert "Maintenance on Sunday" in other.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)


def test_dismissing_without_csrf_is_refused(app, client):
    with app.app_context():
        owner = owner_of(make_workspace()).user
        announce()
        mine = AnnouncementDelivery.get()
    sign_in(client, owner)
    assert client.post(f"/announcements/{mine.id}/dismiss").status_code == 400
