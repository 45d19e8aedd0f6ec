"""End users: sign-in links (single use, 15 minutes, one workspace), "My requests", replies from the portal."""
import io
import re
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter import accounts, portal
from helpdesk.helpcenter.models import EndUser
from helpdesk.helpcenter.services import help_center_of
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Message, Status, Ticket
from tests.factories import make_customer, make_ticket, make_workspace, owner_of
from tests.helpcenter.helpers import ask_link, form_fields, sign_up, signed_in, use_link


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


@pytest.fixture
def link_token(monkeypatch):
    """`link_token(workspace, now)`: ask for a sign-in link and return its token (the mail is not sent)."""
    def ask(workspace, now):
        sent = {}
        monkeypatch.setattr(accounts, "send_email", lambda *args, **kwargs: sent.update(kwargs))
        if not EndUser.of(workspace).exists():
            EndUser.create(workspace=workspace, email="ann@client.example", email_verified_at=now, created_at=now)
        accounts.send_sign_in_link(workspace, help_center_of(workspace), "Ann@Client.example", now=now)
        return sent["link"].rsplit("/", 1)[1]
    return ask


def test_a_sign_in_link_works_once(app_context, acme, link_token):
    now = utcnow()
    token = link_token(acme, now)
    end_user = accounts.sign_in_with_link(acme, token, now=now + timedelta(minutes=1))
    assert end_user.email == "ann@client.example"
    with pytest.raises(accounts.PortalError, match="already used"):
        accounts.sign_in_with_link(acme, token, now=now + timedelta(minutes=2))


def test_a_sign_in_link_expires_after_15_minutes(app_context, acme, link_token):
    now = utcnow()
    token = link_token(acme, now)
    with pytest.raises(accounts.PortalError, match="expired"):
        accounts.sign_in_with_link(acme, token, now=now + timedelta(minutes=15, seconds=1))


def test_r6_a_link_of_one_workspace_signs_nobody_in_to_another(app_context, acme, link_token):
    token = link_token(acme, utcnow())
    with pytest.raises(accounts.PortalError):
        accounts.sign_in_with_link(make_workspace(name="Other"), token, now=utcnow())


def test_opening_the_link_does_not_use_it_only_the_button_does(app, client, acme):
    path = sign_up(app, client, acme)
    assert "Sign in to Acme" in client.get(path).get_data(as_text=True)
    assert client.get(path).status_code == 200  # a mail scanner's visit leaves the link usable
    assert use_link(client, path).status_code == 302
    assert use_link(client, path).status_code == 400


def test_my_requests_lists_the_customers_tickets_newest_first_with_status_in_words(app, client, acme):
    ann = make_customer(acme, email="ann@client.example", name="Ann")
    first = make_ticket(acme, customer=ann, subject="Printer broken")
    second = make_ticket(acme, customer=ann, subject="Scanner too")
    tickets.change_status(first, owner_of(acme).user, Status.SOLVED, now=utcnow())
    make_ticket(acme, subject="Someone else's request")
    signed_in(app, client, acme)
    html = client.get(f"/h/{acme.slug}/requests/").get_data(as_text=True)
    assert html.index("Scanner too") < html.index("Printer broken")
    assert "Solved" in html and "Open" in html and "Someone else" not in html
    assert client.get(f"/h/{acme.slug}/requests/{second.number + 1}").status_code == 404


def test_the_conversation_hides_internal_notes(app, client, acme):
    ann = make_customer(acme, email="ann@client.example")
    ticket = make_ticket(acme, customer=ann, subject="Printer broken", body="It jams.")
    tickets.add_note(ticket, owner_of(acme).user, "Customer is difficult, secret note", now=utcnow())
    signed_in(app, client, acme)
    html = client.get(f"/h/{acme.slug}/requests/{ticket.number}").get_data(as_text=True)
    assert "It jams." in html and "secret note" not in html


def test_a_reply_from_the_portal_reopens_a_solved_ticket_with_its_files(app, client, acme):
    ann = make_customer(acme, email="ann@client.example")
    ticket = make_ticket(acme, customer=ann)
    tickets.change_status(ticket, owner_of(acme).user, Status.SOLVED, now=utcnow())
    signed_in(app, client, acme)
    url = f"/h/{acme.slug}/requests/{ticket.number}"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={**form_fields(page), "body": "Still broken.",
                                      "files": [(io.BytesIO(b"log"), "log.txt")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    reloaded = Ticket.get_by_id(ticket.id)
    message = Message.of(acme).order_by(Message.id.desc()).get()
    assert reloaded.status == Status.OPEN and message.kind == Message.CUSTOMER and message.customer_id == ann.id
    assert message.attachments.get().filename == "log.txt"
    page = client.get(url).get_data(as_text=True)
    attachment = re.search(r'href="([^"]+/attachments/\d+)"', page).group(1)
    assert client.get(attachment).data == b"log"


def test_a_closed_request_takes_no_reply(app_context, acme):
    ticket = make_ticket(acme)
    tickets.change_status(ticket, owner_of(acme).user, Status.CLOSED, now=utcnow())
    with pytest.raises(accounts.PortalError, match="closed"):
        portal.reply_from_portal(ticket, "Hello?", now=utcnow())


def test_r6_an_end_user_of_one_workspace_sees_nothing_of_another(app, client, acme):
    other = make_workspace(name="Other")
    ticket = make_ticket(other, customer=make_customer(other, email="ann@client.example"), subject="Other's")
    signed_in(app, client, acme)
    response = client.get(f"/h/{other.slug}/requests/")
    assert response.status_code == 302 and response.location.endswith("/signin")
    assert client.get(f"/h/{other.slug}/requests/{ticket.number}").status_code == 302
    assert "Other's" not in client.get(f"/h/{acme.slug}/requests/").get_data(as_text=True)


def test_signing_out_ends_the_session_for_copies_of_the_cookie(app, client, acme):
    signed_in(app, client, acme)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get(f"/h/{acme.slug}/requests/").status_code == 200
    page = client.get(f"/h/{acme.slug}/requests/").get_data(as_text=True)
    client.post(f"/h/{acme.slug}/signout", data=form_fields(page))
    assert copy.get(f"/h/{acme.slug}/requests/").status_code == 302


def test_the_profile_keeps_a_name_and_signs_out_everywhere(app, client, acme):
    signed_in(app, client, acme)
    other_browser = app.test_client()
    use_link(other_browser, ask_link(app, other_browser, acme))
    assert other_browser.get(f"/h/{acme.slug}/requests/").status_code == 200
    page = client.get(f"/h/{acme.slug}/profile").get_data(as_text=True)
    assert "Signed in as ann@client.example" in page
    client.post(f"/h/{acme.slug}/profile", data={**form_fields(page), "name": "Ann Lee"})
    assert EndUser.of(acme).get().name == "Ann Lee"
    page = client.get(f"/h/{acme.slug}/profile").get_data(as_text=True)
    client.post(f"/h/{acme.slug}/profile/sign-out-everywhere", data=form_fields(page))
    assert client.get(f"/h/{acme.slug}/requests/").status_code == 302
    assert other_browser.get(f"/h/{acme.slug}/requests/").status_code == 302
