"""End users: sign-up with a confirmed email, sign-in by link or password, what signing in does to the session."""
import re
from datetime import timedelta

import pytest

from helpdesk.accounts.throttle import SignInDelayed
from helpdesk.core.clock import utcnow
from helpdesk.core.passwords import hash_password
from helpdesk.customers.models import Customer
from helpdesk.helpcenter import accounts
from helpdesk.helpcenter.models import EndUser, EndUserSession
from helpdesk.helpcenter.services import help_center_of
from tests.conftest import sent_mail
from tests.factories import make_customer, make_ticket, make_workspace
from tests.helpcenter.helpers import ask_link, csrf_of, form_fields, sign_up, signed_in, use_link

PASSWORD = "correct horse battery"


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


def sign_in_by_password(client, workspace, email="ann@client.example", password=PASSWORD):
    page = client.get(f"/h/{workspace.slug}/signin").get_data(as_text=True)
    token = re.search(r'name="pw-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(f"/h/{workspace.slug}/signin/password",
                       data={"pw-csrf_token": token, "pw-email": email, "pw-password": password})


def with_password(workspace, email="ann@client.example"):
    now = utcnow()
    return EndUser.create(workspace=workspace, email=email, name="Ann", email_verified_at=now,
                          password_hash=hash_password(PASSWORD), created_at=now)


def test_sign_up_asks_name_and_email_and_the_account_waits_for_the_confirmation(app, client, acme):
    ann = make_customer(acme, email="ann@client.example", name="")
    make_ticket(acme, customer=ann, subject="Printer broken")
    path = sign_up(app, client, acme, email="Ann@Client.example", name="Ann Lee")
    end_user = EndUser.of(acme).get()
    assert (end_user.email, end_user.name, end_user.is_verified) == ("ann@client.example", "Ann Lee", False)
    assert "confirm your email" in sent_mail(app, to="ann@client.example")[-1].get_body(("plain",)).get_content()
    assert client.get(f"/h/{acme.slug}/requests/").status_code == 302  # not signed in before confirming
    assert use_link(client, path).status_code == 302
    assert EndUser.of(acme).get().email_verified_at is not None
    assert "Printer broken" in client.get(f"/h/{acme.slug}/requests/").get_data(as_text=True)
    assert Customer.get_by_id(ann.id).name == "Ann Lee"  # the customer takes the confirmed account's name


def test_sign_up_form_refuses_a_missing_name_and_keeps_the_email(client, acme):
    page = client.get(f"/h/{acme.slug}/signup").get_data(as_text=True)
    response = client.post(f"/h/{acme.slug}/signup", data={"name": "", "email": "ann@client.example",
                                                           **form_fields(page)})
    assert response.status_code == 422
    assert 'value="ann@client.example"' in response.get_data(as_text=True)
    assert EndUser.select().count() == 0


def test_signing_up_with_a_known_address_mails_a_sign_in_link_and_answers_the_same(app, client, acme):
    with_password(acme)
    path = sign_up(app, client, acme, name="Mallory")
    assert EndUser.of(acme).get().name == "Ann"  # nobody renames an account by signing up with its address
    assert "to sign in to Acme" in sent_mail(app, to="ann@client.example")[-1].get_body(("plain",)).get_content()
    assert use_link(client, path).status_code == 302


def test_an_unconfirmed_account_sees_no_customer_tickets(app_context, acme):
    make_ticket(acme, customer=make_customer(acme, email="ann@client.example"), subject="Private")
    accounts.sign_up(acme, help_center_of(acme), name="Mallory", email="ann@client.example", now=utcnow())
    from helpdesk.helpcenter import portal

    unconfirmed = EndUser.of(acme).get()
    assert portal.requests_of(unconfirmed) == [] and portal.request_of(unconfirmed, 1) is None
    with pytest.raises(accounts.PortalError, match="confirm"):
        accounts.open_session(unconfirmed, method=EndUserSession.LINK, now=utcnow())


def test_asking_a_link_for_an_unknown_address_mails_the_way_to_sign_up_and_makes_no_account(app, client, acme):
    path = ask_link(app, client, acme, email="new@client.example")
    assert path.endswith(f"/h/{acme.slug}/signup")
    assert EndUser.select().count() == 0


def test_a_new_link_voids_the_earlier_unused_one(app, client, acme):
    with_password(acme)
    first = ask_link(app, client, acme)
    second = ask_link(app, client, acme)
    assert use_link(client, first).status_code == 400
    assert use_link(client, second).status_code == 302


def test_a_used_link_answers_the_help_centers_error_page(app, client, acme):
    path = sign_up(app, client, acme)
    use_link(client, path)
    response = use_link(app.test_client(), path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "expired or was already used" in html
    assert 'class="help-center"' in html and "Go to the help center" in html


def test_signing_in_empties_the_session_and_gives_a_new_csrf_token(app, client, acme):
    path = sign_up(app, client, acme)
    anonymous_token = csrf_of(client.get(path).get_data(as_text=True))
    with client.session_transaction() as cookie_session:
        cookie_session["planted"] = "by an attacker"
    use_link(client, path)
    with client.session_transaction() as cookie_session:
        assert "planted" not in cookie_session
    page = client.get(f"/h/{acme.slug}/profile").get_data(as_text=True)
    assert csrf_of(page) != anonymous_token
    stale = client.post(f"/h/{acme.slug}/profile", data={"csrf_token": anonymous_token, "name": "Changed"})
    assert stale.status_code == 400 and EndUser.of(acme).get().name == "Ann Lee"


def test_a_password_signs_in_and_a_wrong_one_says_so(client, acme):
    with_password(acme)
    wrong = sign_in_by_password(client, acme, password="not it at all")
    assert wrong.status_code == 422 and "Wrong email or password." in wrong.get_data(as_text=True)
    response = sign_in_by_password(client, acme, email="ANN@client.example")
    assert response.status_code == 302 and response.location.endswith("/requests/")
    assert EndUserSession.of(acme).get().method == EndUserSession.PASSWORD


def test_an_account_without_a_password_is_not_signed_in_by_an_empty_or_any_password(client, acme):
    signed_in_nowhere = EndUser.create(workspace=acme, email="ann@client.example", email_verified_at=utcnow())
    assert signed_in_nowhere.password_hash is None
    assert sign_in_by_password(client, acme, password="anything at all").status_code == 422


def test_wrong_passwords_make_the_address_wait_per_workspace(app_context, acme):
    with_password(acme)
    other = make_workspace(name="Other")
    with_password(other)
    now = utcnow()
    for _ in range(5):
        with pytest.raises(accounts.PortalError):
            accounts.sign_in_with_password(acme, "ann@client.example", "wrong guess!", now=now)
    with pytest.raises(SignInDelayed):
        accounts.sign_in_with_password(acme, "ann@client.example", PASSWORD, now=now)  # even the right one waits
    assert accounts.sign_in_with_password(other, "ann@client.example", PASSWORD, now=now)  # B is not A
    later = now + timedelta(minutes=1)
    assert accounts.sign_in_with_password(acme, "ann@client.example", PASSWORD, now=later).email == "ann@client.example"


def test_the_page_of_a_waiting_address_says_how_long(client, acme):
    with_password(acme)
    for _ in range(5):
        sign_in_by_password(client, acme, password="wrong guess!")
    response = sign_in_by_password(client, acme)
    assert response.status_code == 429
    assert re.search(r"Try again in (29|30) seconds, or ask for a sign-in link", response.get_data(as_text=True))


def test_r6_an_end_user_of_a_cannot_sign_in_to_b(app, client, acme):
    with_password(acme)
    other = make_workspace(name="Other")
    assert sign_in_by_password(client, other).status_code == 422  # A's password means nothing to B
    path = ask_link(app, client, other)  # B has no such account: the mail offers to sign up there
    assert path.endswith(f"/h/{other.slug}/signup")
    signed_in(app, client, acme)
    a_link = ask_link(app, client, acme)
    assert use_link(client, a_link.replace(f"/h/{acme.slug}/", f"/h/{other.slug}/")).status_code == 400
    assert client.get(f"/h/{other.slug}/profile").status_code == 302  # A's session is not B's
