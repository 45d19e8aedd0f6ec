"""The contact form: a "web" ticket, the threaded acknowledgement, anti-spam, deflection."""
import io

import pytest

from helpdesk.helpcenter.models import ArticleAnswered
from helpdesk.mail import ingest
from helpdesk.tickets.models import Attachment, Channel, Message, Ticket
from helpdesk.core.clock import utcnow
from tests.conftest import sent_mail
from tests.factories import customer_mail, make_customer, make_workspace
from tests.helpcenter.helpers import add_plain_mailbox, form_fields, send_contact
from tests.knowledge.helpers import make_article


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


def test_the_contact_form_opens_a_web_ticket_for_a_new_customer(client, acme):
    response = send_contact(client, acme, files=[(io.BytesIO(b"%PDF-1.4 scan"), "scan.pdf")])
    assert response.status_code == 302 and response.location.endswith("/contact/sent/1")
    ticket = Ticket.of(acme).get()
    assert (ticket.channel, ticket.subject, ticket.customer.email, ticket.customer.name) == (
        Channel.WEB, "Printer broken", "ann@client.example", "Ann Lee")
    message = Message.of(acme).get()
    assert message.body_text == "It jams on every page." and message.kind == Message.CUSTOMER
    assert Attachment.of(acme).get().filename == "scan.pdf"
    assert "#1" in client.get(response.location).get_data(as_text=True)


def test_the_contact_form_uses_the_customer_with_that_email(client, acme):
    known = make_customer(acme, email="ann@client.example", name="Ann from mail")
    send_contact(client, acme, email="ANN@client.example")
    assert Ticket.of(acme).get().customer_id == known.id


def test_the_acknowledgement_has_the_number_and_its_answer_threads_onto_the_ticket(app, client, acme):
    add_plain_mailbox(acme)
    send_contact(client, acme)
    [ack] = sent_mail(app, to="ann@client.example")
    assert ack["Subject"] == "[#1] Printer broken"
    assert ack["Reply-To"] == "Acme Support <support@acme.example>"
    assert "#1" in ack.get_body(("plain",)).get_content()
    answer = customer_mail(f"Re: {ack['Subject']}", body="Also, it smells of smoke.\n",
                           sender="Ann Lee <ann@client.example>", In_Reply_To=ack["Message-ID"])
    with app.app_context():
        row, _ = ingest.store_inbound(acme.id, None, None, None, bytes(answer), now=utcnow())
        row = ingest.process_inbound(row.id, now=utcnow())
    assert row.decision == "subject token matched #1"
    assert Ticket.of(acme).count() == 1 and Message.of(acme).count() == 2


def test_without_a_mailbox_the_acknowledgement_says_not_to_reply(app, client, acme):
    send_contact(client, acme)
    [ack] = sent_mail(app, to="ann@client.example")
    assert ack["Reply-To"] is None
    assert "do not reply" in ack.get_body(("plain",)).get_content()


def test_the_form_states_the_attachment_limit_and_has_labels(client, acme):
    html = client.get(f"/h/{acme.slug}/contact").get_data(as_text=True)
    assert "Up to 25 MB in all." in html
    for label in ("Your name", "Your email", "Subject", "Message", "Attach files"):
        assert f">{label}</label>" in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("data, words", [
    ({"website": "http://spam.example"}, "people do not see"),
    ({"shown": "forged"}, "too old"),
    ({"message": "see http://a.example http://b.example www.c.example https://d.example"}, "at most 3 links"),
])
def test_spam_is_refused_in_one_sentence_keeping_what_was_typed(client, acme, data, words):
    response = send_contact(client, acme, **{"subject": "My very own subject", **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and words in html
    assert 'value="My very own subject"' in html
    assert Ticket.of(acme).count() == 0


def test_a_form_sent_faster_than_a_person_types_is_refused(app, client, acme):
    app.config["SIGNUP_MIN_SECONDS"] = 60
    try:
        response = send_contact(client, acme)
    finally:
        app.config["SIGNUP_MIN_SECONDS"] = 0
    assert response.status_code == 422 and "quicker than a person" in response.get_data(as_text=True)
    assert Ticket.of(acme).count() == 0


def test_rate_limit_per_email_keeps_the_form_and_says_why(client, acme):
    for number in range(5):
        assert send_contact(client, acme, subject=f"Question {number}").status_code == 302
    response = send_contact(client, acme, subject="The sixth one")
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and "Too many messages" in html and 'value="The sixth one"' in html
    assert send_contact(client, acme, email="bob@client.example").status_code == 302  # another address may
    assert Ticket.of(acme).count() == 6


def test_rate_limit_per_ip(client, acme):
    for number in range(10):
        assert send_contact(client, acme, email=f"person{number}@client.example").status_code == 302
    assert send_contact(client, acme, email="eleventh@client.example").status_code == 429


def test_deflection_suggests_published_articles_for_the_subject(client, acme):
    make_article(acme, "Printer jams and paper feed")
    make_article(acme, "Printer secrets", state="internal")
    html = client.get(f"/h/{acme.slug}/contact/suggestions?subject=printer", headers={"HX-Request": "true"})
    html = html.get_data(as_text=True)
    assert html.startswith('<div id="suggestions"') and "Printer jams and paper feed" in html
    assert "Printer secrets" not in html
    assert "This answered my question" in html
    form = client.get(f"/h/{acme.slug}/contact").get_data(as_text=True)
    assert 'hx-trigger="keyup changed delay:300ms"' in form


def test_this_answered_my_question_is_counted_and_agents_see_it(client, acme):
    article = make_article(acme, "Printer jams")
    page = client.get(f"/h/{acme.slug}/contact").get_data(as_text=True)
    response = client.post(f"/h/{acme.slug}/contact/answered/{article.id}", data=form_fields(page))
    assert response.status_code == 200 and "Nothing was sent" in response.get_data(as_text=True)
    assert ArticleAnswered.of(acme).count() == 1 and Ticket.of(acme).count() == 0
    from tests.conftest import sign_in
    from tests.factories import owner_of

    sign_in(client, owner_of(acme).user)
    settings = client.get(f"/w/{acme.slug}/help-center/").get_data(as_text=True)
    assert "said 1 time that a suggested article answered" in settings and "Printer jams" in settings


def test_a_draft_or_another_workspaces_article_is_not_counted(client, acme):
    other = make_article(make_workspace(), "Elsewhere")
    draft = make_article(acme, "Draft", state="draft")
    page = client.get(f"/h/{acme.slug}/contact").get_data(as_text=True)
    for article in (other, draft):
        assert client.post(f"/h/{acme.slug}/contact/answered/{article.id}", data=form_fields(page)).status_code == 404
    assert ArticleAnswered.select().count() == 0
