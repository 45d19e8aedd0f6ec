"""An end user's profile: email change confirmed at the new address (the old one told), password, name."""
import re
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.core.passwords import check_password, hash_password
from helpdesk.helpcenter import accounts, profile
from helpdesk.helpcenter.models import EndUser, EndUserSession
from tests.conftest import sent_mail
from tests.factories import make_customer, make_ticket, make_workspace
from tests.helpcenter.helpers import ask_link, mailed_path, signed_in, use_link

NEW_PASSWORD = "a long new password"


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


def post_profile_form(client, workspace, action, **fields):
    """Send one of the profile page's forms (each has a prefix: em-, pw-; the name form none)."""
    page = client.get(f"/h/{workspace.slug}/profile").get_data(as_text=True)
    prefix = {"email": "em-", "password": "pw-"}.get(action, "")
    token = re.search(rf'name="{prefix}csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    path = f"/h/{workspace.slug}/profile" + (f"/{action}" if action else "")
    return client.post(path, data={f"{prefix}csrf_token": token, **{prefix + k: v for k, v in fields.items()}})


def test_an_email_change_waits_for_the_new_address_and_tells_the_old_one(app, client, acme):
    make_ticket(acme, customer=make_customer(acme, email="ann@new.example"), subject="Sent from the new address")
    signed_in(app, client, acme)
    response = post_profile_form(client, acme, "email", new_email="Ann@New.example")
    assert response.status_code == 302
    assert EndUser.of(acme).get().email == "ann@client.example"  # nothing changes before the link is opened
    assert use_link(client, mailed_path(app, "ann@new.example")).status_code == 302
    end_user = EndUser.of(acme).get()
    assert end_user.email == "ann@new.example" and end_user.is_verified
    told = sent_mail(app, to="ann@client.example")[-1].get_body(("plain",)).get_content()
    assert "was changed from ann@client.example to ann@new.example" in told
    assert "Sent from the new address" in client.get(f"/h/{acme.slug}/requests/").get_data(as_text=True)
    assert "Signed in as ann@new.example" in client.get(f"/h/{acme.slug}/profile").get_data(as_text=True)


def test_an_email_change_to_an_address_with_an_account_is_refused_when_opened(app, client, acme):
    EndUser.create(workspace=acme, email="bob@client.example", email_verified_at=utcnow())
    signed_in(app, client, acme)
    post_profile_form(client, acme, "email", new_email="bob@client.example")
    response = use_link(client, mailed_path(app, "bob@client.example"))
    assert response.status_code == 400 and "already has an account" in response.get_data(as_text=True)
    assert EndUser.of(acme).where(EndUser.email == "ann@client.example").exists()


def test_an_email_change_link_works_once_and_a_newer_one_voids_it(app, client, acme):
    signed_in(app, client, acme)
    post_profile_form(client, acme, "email", new_email="first@new.example")
    first = mailed_path(app, "first@new.example")
    post_profile_form(client, acme, "email", new_email="second@new.example")
    assert use_link(client, first).status_code == 400
    second = mailed_path(app, "second@new.example")
    assert use_link(client, second).status_code == 302
    assert use_link(client, second).status_code == 400
    assert EndUser.of(acme).get().email == "second@new.example"


def test_an_email_change_link_of_a_does_nothing_in_b(app, client, acme):
    other = make_workspace(name="Other")
    signed_in(app, client, acme)
    post_profile_form(client, acme, "email", new_email="ann@new.example")
    path = mailed_path(app, "ann@new.example").replace(f"/h/{acme.slug}/", f"/h/{other.slug}/")
    assert use_link(client, path).status_code == 400
    assert EndUser.of(acme).get().email == "ann@client.example"


def test_setting_a_password_signs_out_the_other_devices_and_then_signs_in(app, client, acme):
    signed_in(app, client, acme)
    other_browser = app.test_client()
    use_link(other_browser, ask_link(app, other_browser, acme))
    response = post_profile_form(client, acme, "password", password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert response.status_code == 302
    assert check_password(EndUser.of(acme).get().password_hash, NEW_PASSWORD)
    assert client.get(f"/h/{acme.slug}/requests/").status_code == 200  # this browser stays
    assert other_browser.get(f"/h/{acme.slug}/requests/").status_code == 302


def test_a_too_short_or_mistyped_password_is_refused(app, client, acme):
    signed_in(app, client, acme)
    short = post_profile_form(client, acme, "password", password="short", confirm="short")
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    differ = post_profile_form(client, acme, "password", password=NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert differ.status_code == 422 and "The passwords differ." in differ.get_data(as_text=True)
    assert EndUser.of(acme).get().password_hash is None


def test_changing_a_password_asks_the_current_one_unless_just_signed_in_by_link(app_context, acme):
    now = utcnow()
    end_user = EndUser.create(workspace=acme, email="ann@client.example", email_verified_at=now,
                              password_hash=hash_password("the old password"), created_at=now)
    key = accounts.open_session(end_user, method=EndUserSession.PASSWORD, now=now)
    signed = accounts.end_user_of_session(acme, key, now=now)
    with pytest.raises(accounts.PortalError, match="current password"):
        profile.set_password(signed, current_password="a wrong guess", new_password=NEW_PASSWORD, now=now)
    profile.set_password(signed, current_password="the old password", new_password=NEW_PASSWORD, now=now)
    # Forgot it: a link sign-in lets them set a new one for 15 minutes, no longer.
    by_link = accounts.end_user_of_session(acme, accounts.open_session(end_user, method=EndUserSession.LINK,
                                                                       now=now), now=now)
    assert not profile.needs_current_password(by_link, now=now + timedelta(minutes=14))
    assert profile.needs_current_password(by_link, now=now + timedelta(minutes=16))
    profile.set_password(by_link, current_password="", new_password="third password!", now=now)
    assert check_password(EndUser.get_by_id(end_user.id).password_hash, "third password!")


def test_the_name_is_changed_on_the_profile(app, client, acme):
    signed_in(app, client, acme, name="Ann")
    assert post_profile_form(client, acme, "", name="Ann <b>Lee</b>").status_code == 302
    assert EndUser.of(acme).get().name == "Ann <b>Lee</b>"
    assert "Ann &lt;b&gt;Lee&lt;/b&gt;" in client.get(f"/h/{acme.slug}/profile").get_data(as_text=True)
