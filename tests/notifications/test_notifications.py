"""Mentions, assignments and customer replies: in the header menu (unread counts, mark read) and by email."""
import re

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.portal import reply_from_portal
from helpdesk.mail.signatures import signature_of
from helpdesk.notifications import services
from helpdesk.notifications.models import Kind, Notification
from helpdesk.tickets import services as tickets
from tests.conftest import post, sent_mail, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_user, make_workspace


@pytest.fixture
def team(client):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    ann = add_member(workspace, make_user(name="Ann Lee", email="ann@acme.example")).user
    annabel = add_member(workspace, make_user(name="Ann", email="annabel@acme.example")).user
    ticket = make_ticket(workspace, make_customer(workspace, email="carla@client.example", name="Carla"),
                         subject="Printer jam")
    sign_in(client, owner)
    return workspace, owner, ann, annabel, ticket


def url(workspace, path=""):
    return f"/w/{workspace.slug}/notifications/{path}"


def test_a_mention_in_a_note_notifies_and_emails_the_member(app, team):
    workspace, owner, ann, annabel, ticket = team
    with app.app_context():
        tickets.add_note(ticket, owner, "@Ann Lee can you look at the tray?", now=utcnow())
    (notice,) = Notification.select()
    assert (notice.user_id, notice.kind, notice.actor_id) == (ann.id, Kind.MENTION, owner.id)  # not "Ann"
    (mail,) = sent_mail(app, to=ann.email)
    assert f"{owner.name} mentioned you" in mail["Subject"] and "can you look at the tray?" in mail.get_body(
        ("plain",)).get_content()
    assert sent_mail(app, to=annabel.email) == []


def test_mentioning_oneself_or_an_email_address_notifies_nobody(app, team):
    workspace, owner, ann, _, ticket = team
    with app.app_context():
        tickets.add_note(ticket, ann, "note to self @Ann Lee; mail carla@Ann Lee.example", now=utcnow())
    assert not Notification.select().exists()


def test_assignment_and_customer_replies_reach_the_assignee(app, team):
    workspace, owner, ann, _, ticket = team
    with app.app_context():
        tickets.assign(ticket, owner, ann.id, now=utcnow())
    with app.app_context():
        tickets.add_customer_message(ticket, "Any news?", now=utcnow())
    with app.app_context():
        reply_from_portal(ticket, "Hello? From the help center.", now=utcnow())
    kinds = [n.kind for n in Notification.select().where(Notification.user == ann.id).order_by(Notification.id)]
    assert kinds == [Kind.ASSIGNED, Kind.CUSTOMER_REPLY, Kind.CUSTOMER_REPLY]
    subjects = [m["Subject"] for m in sent_mail(app, to=ann.email)]
    assert any("assigned you" in s for s in subjects) and any("Carla replied" in s for s in subjects)
    with app.app_context():
        tickets.assign(ticket, ann, ann.id, now=utcnow())  # unchanged: nothing new
    assert Notification.select().count() == 3


def test_email_preferences_are_respected_and_the_menu_still_shows_them(app, client, team):
    workspace, owner, ann, _, ticket = team
    colleague = app.test_client()
    sign_in(colleague, ann)
    page = colleague.get(url(workspace, "preferences"))
    assert page.status_code == 200 and "Email me when a customer replies" in page.get_data(as_text=True)
    post(colleague, url(workspace, "preferences"), {"email_mentions": "y", "signature": "Ann, Acme support"})  # assignments and replies off
    with app.app_context():
        tickets.assign(ticket, owner, ann.id, now=utcnow())
    with app.app_context():
        reply_from_portal(ticket, "Hello?", now=utcnow())
    with app.app_context():
        tickets.add_note(ticket, owner, "@Ann Lee see above", now=utcnow())
    subjects = [m["Subject"] for m in sent_mail(app, to=ann.email)]
    assert len(subjects) == 1 and "mentioned you" in subjects[0]
    assert services.unread_count(workspace, ann.id) == 3
    assert signature_of(workspace, user=ann.id) == "Ann, Acme support"
    assert "Ann, Acme support</textarea>" in colleague.get(url(workspace, "preferences")).get_data(as_text=True)


def test_the_menu_lists_unread_and_marking_read_clears_the_count(app, team):
    workspace, owner, ann, _, ticket = team
    with app.app_context():
        tickets.add_note(ticket, owner, "@Ann Lee <script>alert(1)</script>", now=utcnow())
    with app.app_context():
        tickets.assign(ticket, owner, ann.id, now=utcnow())
    colleague = app.test_client()
    sign_in(colleague, ann)
    menu = colleague.get(url(workspace, "menu")).get_data(as_text=True)
    assert 'aria-label="2 unread"' in menu and f"{owner.name} mentioned you" in menu
    assert "&lt;script&gt;" in menu and "<script>alert" not in menu
    first = Notification.select().order_by(Notification.id).first()
    response = post(colleague, url(workspace, f"{first.id}/read"), {"open": str(ticket.number)})
    assert response.headers["Location"].endswith(f"/tickets/{ticket.number}")
    assert services.unread_count(workspace, ann.id) == 1
    post(colleague, url(workspace, "read"))
    assert services.unread_count(workspace, ann.id) == 0
    assert 'unread"' not in colleague.get(url(workspace, "menu")).get_data(as_text=True)


def test_pages_carry_the_menu_slot_without_querying_for_it(client, team):
    workspace, *_ = team
    page = client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)
    assert f'hx-get="/w/{workspace.slug}/notifications/menu"' in page


def test_member_suggestions_for_the_at_menu(client, team):
    workspace, owner, ann, annabel, _ = team
    html = client.get(url(workspace, "members?q=ann")).get_data(as_text=True)
    assert 'data-insert="@Ann Lee "' in html and 'data-insert="@Ann "' in html and owner.name not in html
    outsider = make_workspace(name="Globex").membership_set.get().user
    assert outsider.name not in client.get(url(workspace, "members?q=")).get_data(as_text=True)


def test_the_at_menu_suggests_by_the_start_of_a_first_or_last_name_or_email(client, team):
    workspace, owner, ann, annabel, _ = team
    example = add_member(workspace, make_user(name="Ann Example", email="support.lead@acme.example")).user

    def suggested(q):
        return set(re.findall(r'data-insert="@([^"]+) "', client.get(url(workspace, f"members?q={q}")).get_data(
            as_text=True)))

    assert suggested("an") == {"Ann", "Ann Lee", "Ann Example"}
    assert suggested("EXA") == {"Ann Example"}  # the last name, any case
    assert suggested("ann  ex") == {"Ann Example"}  # the start of the whole name
    assert suggested("support") == {"Ann Example"}  # the email address
    assert suggested("annabel@") == {"Ann"}
    assert suggested("xam") == set()  # inside a word: no
    assert example.name in client.get(url(workspace, "members?q=su")).get_data(as_text=True)


def test_another_persons_or_workspaces_notification_is_404(app, team):
    workspace, owner, ann, _, ticket = team
    with app.app_context():
        tickets.add_note(ticket, owner, "@Ann Lee look", now=utcnow())
    notice = Notification.get()
    other = make_workspace(name="Globex")
    stranger = app.test_client()
    sign_in(stranger, other.membership_set.get().user)
    assert post(stranger, url(other, f"{notice.id}/read")).status_code == 404
    assert post(stranger, url(workspace, f"{notice.id}/read")).status_code == 404  # not a member there
    colleague = app.test_client()
    sign_in(colleague, owner)  # a member, but not the person notified
    assert post(colleague, url(workspace, f"{notice.id}/read")).status_code == 404
    assert Notification.get_by_id(notice.id).read_at is None


def test_unread_count_is_capped():
    assert services.UNREAD_COUNT_CAP == 99


def test_the_menu_runs_the_same_statements_for_3_and_60_notifications(app, team):
    from bench.querycount import count_queries

    workspace, owner, ann, _, ticket = team
    colleague = app.test_client()
    sign_in(colleague, ann)

    def menu_queries():
        colleague.get(url(workspace, "menu"))
        with count_queries() as counter:
            assert colleague.get(url(workspace, "menu")).status_code == 200
        return counter.count

    with app.app_context():
        for _ in range(3):
            tickets.add_note(ticket, owner, "@Ann Lee look", now=utcnow())
    few = menu_queries()
    with app.app_context():
        for _ in range(57):
            services._notify(ticket, ann.id, Kind.ASSIGNED, owner, "x", utcnow())
    assert menu_queries() == few
