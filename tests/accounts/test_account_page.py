"""My account: name, time zone and language; a verified email change; Google linked and unlinked."""
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from helpdesk.accounts import profile
from helpdesk.accounts.models import User
from helpdesk.accounts.services import AccountError, find_user
from helpdesk.mail import ingest
from tests.accounts.test_google import DISCOVERY, DISCOVERY_URL, SUBJECT, google_answers, google_app  # noqa: F401
from tests.conftest import link_in, post, sent_mail, sign_in
from tests.factories import DEFAULT_PASSWORD, customer_mail, make_ticket, make_user, make_workspace

MORNING = datetime(2026, 12, 2, 7, 13)  # UTC


def _owner_signed_in(app):
    owner = make_user(name="Ann Lee", email="ann@acme.example")
    workspace = make_workspace(owner, name="Acme")
    client = app.test_client()
    sign_in(client, owner)
    return workspace, owner, client


def test_times_are_shown_in_the_persons_time_zone_on_pages_without_js(app):
    workspace, owner, client = _owner_signed_in(app)
    ticket = make_ticket(workspace, now=MORNING)
    page = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}").get_data(as_text=True)
    assert "2 Dec 2026, 07:13 UTC" in page

    saved = post(client, "/account/profile", {"name": "Ann Lee", "timezone": "Asia/Kolkata", "locale": "en"})
    assert saved.status_code == 302
    page = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}").get_data(as_text=True)
    assert "2 Dec 2026, 12:43" in page and 'datetime="2026-12-02T07:13:00Z"' in page
    assert '<option selected value="Asia/Kolkata">' in client.get("/account").get_data(as_text=True)


def test_profile_refuses_an_unknown_zone_or_language_and_keeps_the_rest(app):
    _workspace, owner, client = _owner_signed_in(app)
    refused = post(client, "/account/profile", {"name": "Ann B. Lee", "timezone": "Mars/Olympus", "locale": "en"})
    assert refused.status_code == 422 and "Choose a time zone from the list." in refused.get_data(as_text=True)
    assert User.get_by_id(owner.id).name == "Ann Lee"
    wrong_language = post(client, "/account/profile", {"name": "Ann", "timezone": "", "locale": "xx"})
    assert wrong_language.status_code == 422
    assert post(client, "/account/profile", {"name": "  Ann   B. Lee ", "timezone": "", "locale": "en"}).status_code == 302
    saved = User.get_by_id(owner.id)
    assert (saved.name, saved.timezone, saved.locale) == ("Ann B. Lee", None, "en")


def test_email_changes_only_after_the_new_address_is_verified_and_the_old_one_is_told(app):
    _workspace, owner, client = _owner_signed_in(app)
    wrong = post(client, "/account/email", {"new_email": "ann@new.example", "current_password": "guess"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    asked = post(client, "/account/email", {"new_email": "Ann@New.example", "current_password": DEFAULT_PASSWORD})
    assert asked.status_code == 302
    assert find_user("ann@acme.example").id == owner.id and find_user("ann@new.example") is None
    assert "Waiting for you to open the link sent to ann@new.example" in client.get("/account").get_data(as_text=True)
    [told] = sent_mail(app, to="ann@acme.example")
    assert "ann@new.example" in told.get_body(("plain",)).get_content()
    [confirm] = sent_mail(app, to="ann@new.example")

    opened = app.test_client().get(urlsplit(link_in(confirm)).path)  # opened on another device, signed out
    assert opened.status_code == 302 and User.get_by_id(owner.id).email == "ann@new.example"
    [changed] = [m for m in sent_mail(app, to="ann@acme.example") if "was changed" in m["Subject"]]
    assert "ann@new.example" in changed.get_body(("plain",)).get_content()
    assert app.test_client().get(urlsplit(link_in(confirm)).path).status_code == 404  # used once
    sign_in(app.test_client(), User.get_by_id(owner.id))  # the new address signs in


def test_email_change_refuses_a_taken_address_also_when_taken_before_the_click(app, app_context):
    owner = make_user(email="ann@acme.example")
    make_user(email="bob@acme.example")
    with pytest.raises(AccountError, match="Another account uses"):
        profile.request_email_change(owner, "bob@acme.example", DEFAULT_PASSWORD, now=MORNING)
    token, _ = profile.request_email_change(owner, "ann@new.example", DEFAULT_PASSWORD, now=MORNING)
    make_user(email="ann@new.example")  # signed up with it meanwhile
    with pytest.raises(AccountError, match="took this email address meanwhile"):
        profile.confirm_email_change(token, now=MORNING)
    assert User.get_by_id(owner.id).email == "ann@acme.example"


def _link_through_google(client, email="ann.lee@gmail.com", subject=SUBJECT):
    responses.get(DISCOVERY_URL, json=DISCOVERY)
    start = post(client, "/account/google/link")
    assert start.location.startswith(DISCOVERY["authorization_endpoint"])
    query = parse_qs(urlsplit(start.location).query)
    google_answers(query["nonce"][0], email=email, subject=subject)
    return client.get(f"/signin/google/callback?code=4/0AfJohXn-recorded&state={query['state'][0]}",
                      follow_redirects=True)


@responses.activate
def test_google_is_linked_then_is_unlinked(google_app):  # noqa: F811
    owner = make_user(name="Ann Lee", email="ann@acme.example")
    make_workspace(owner)
    client = google_app.test_client()
    sign_in(client, owner)
    page = _link_through_google(client).get_data(as_text=True)
    assert "Google is linked" in page and "Unlink Google" in page
    assert User.get_by_id(owner.id).google_subject == SUBJECT
    assert User.get_by_id(owner.id).email == "ann@acme.example"  # linking never changes the address

    unlinked = post(client, "/account/google/unlink", follow_redirects=True).get_data(as_text=True)
    assert "Google is unlinked" in unlinked and "Link Google" in unlinked
    assert User.get_by_id(owner.id).google_subject is None


@responses.activate
def test_a_google_account_of_another_person_is_not_linked(google_app):  # noqa: F811
    other = make_user(email="other@acme.example")
    User.update(google_subject=SUBJECT).where(User.id == other.id).execute()
    owner = make_user(email="ann@acme.example")
    client = google_app.test_client()
    sign_in(client, owner)
    page = _link_through_google(client).get_data(as_text=True)
    assert "already signs in to another account" in page
    assert User.get_by_id(owner.id).google_subject is None


def test_unlinking_google_is_refused_without_a_password(app, app_context):
    person = make_user(email="g@acme.example", password=None)
    User.update(google_subject=SUBJECT).where(User.id == person.id).execute()
    with pytest.raises(AccountError, match="Set a password first"):
        profile.unlink_google(User.get_by_id(person.id), now=MORNING)
    assert User.get_by_id(person.id).google_subject == SUBJECT


def test_the_mail_log_is_in_the_persons_time_zone_too(app):
    workspace, owner, client = _owner_signed_in(app)
    with app.app_context():
        ingest.store_inbound(workspace.id, None, None, None, bytes(customer_mail()), now=MORNING)
    User.update(timezone="America/New_York").where(User.id == owner.id).execute()
    log = client.get(f"/w/{workspace.slug}/mailboxes/log").get_data(as_text=True)
    assert "2 Dec 2026, 02:13" in log and 'datetime="2026-12-02T07:13:00Z"' in log


def test_my_account_links_the_email_notification_preferences_of_each_workspace(app):
    workspace, owner, client = _owner_signed_in(app)
    make_workspace(owner, name="Globex <b>Ltd</b>")
    page = client.get("/account").get_data(as_text=True)
    link = f'href="/w/{workspace.slug}/notifications/preferences"'
    assert link in page and "Email preferences in Acme" in page
    assert "Email preferences in Globex &lt;b&gt;Ltd&lt;/b&gt;" in page
    assert client.get(f"/w/{workspace.slug}/notifications/preferences").status_code == 200
