"""Sending replies: Cc/Bcc, signatures, and the undo delay (held, then sent by the due sweep, never twice)."""
import re
import threading
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.extensions import db
from helpdesk.mail.models import OutboundEmail, OutboundStatus
from helpdesk.mail.send import SEND_LEASE, _claim, deliver_reply, send_due_replies
from helpdesk.mail.signatures import save_signature, signatures_for
from helpdesk.tickets import sending
from helpdesk.tickets import services as tickets
from helpdesk.tickets.drafts import Draft, StaleDraft, save_draft
from helpdesk.tickets.models import Message, Ticket
from helpdesk.workspaces.models import Workspace
from tests.conftest import drain_jobs, post, sent_mail, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_workspace


@pytest.fixture
def desk(client, connect_mailbox):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    ticket = make_ticket(workspace, make_customer(workspace, email="carla@client.example", name="Carla"),
                         subject="Printer jam")
    mailbox = connect_mailbox(workspace)
    sign_in(client, owner)
    return workspace, owner, ticket, mailbox


def url(workspace, path):
    return f"/w/{workspace.slug}/tickets/{path}"


def _send_due(app):
    with app.app_context():
        send_due_replies()
        drain_jobs()


def test_addresses_are_parsed_and_bad_ones_named():
    assert sending.parse_addresses("a@x.org, Boss <BOSS@y.org>; a@x.org") == ["a@x.org", "BOSS@y.org"]
    with pytest.raises(sending.AddressError, match="“not-an-address” is not an email address"):
        sending.parse_addresses("a@x.org, not-an-address")
    with pytest.raises(sending.AddressError, match="at most 10"):
        sending.parse_addresses(",".join(f"p{i}@x.org" for i in range(11)))


def test_a_held_reply_waits_then_goes_out_with_cc_bcc_and_signatures(app, desk, smtp_server):
    workspace, owner, ticket, mailbox = desk
    save_signature(workspace, "Ann from Acme\nMon-Fri 9-17", user=owner.id)
    save_signature(workspace, "Acme Support <b>team</b>", mailbox=mailbox.id)
    now = utcnow()
    message = sending.send_reply(ticket, owner, "Try turning it off and on.", now=now, hold_seconds=10,
                                 cc="boss@client.example", bcc="audit@acme.example")
    _send_due(app)
    assert smtp_server.messages == [] and Message.get_by_id(message.id).delivery_status == Message.QUEUED
    OutboundEmail.update(next_attempt_at=now - timedelta(seconds=1)).execute()  # the 10 seconds passed
    _send_due(app)
    (received,) = smtp_server.messages
    assert sorted(received.rcpt_tos) == ["audit@acme.example", "boss@client.example", "carla@client.example"]
    email = received.message
    assert email["Cc"] == "boss@client.example" and email["Bcc"] is None  # Bcc is not in what was sent
    plain = email.get_body(("plain",)).get_content()
    assert plain.index("Try turning it off") < plain.index("\n-- \n") < plain.index("Ann from Acme") < plain.index(
        "Acme Support")
    html = email.get_body(("html",)).get_content()
    assert "Ann from Acme" in html and "Acme Support &lt;b&gt;team&lt;/b&gt;" in html
    _send_due(app)
    assert len(smtp_server.messages) == 1  # the sweep again: nothing twice
    assert Message.get_by_id(message.id).delivery_status == Message.SENT


def test_undo_puts_the_text_back_and_nothing_is_sent(app, client, desk, smtp_server):
    workspace, owner, ticket, _ = desk
    save_draft(ticket, owner.id, body="Try turning it off and on.", cc="boss@client.example", now=utcnow())
    response = post(client, url(workspace, f"{ticket.number}/reply"),
                    {"body": "Try turning it off and on.", "cc": "boss@client.example"})
    assert response.status_code == 302
    assert not Draft.select().exists()  # sending removed the draft
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sending to carla@client.example in 10 seconds." in page and "Undo send" in page
    message = Message.get(Message.kind == Message.REPLY)
    response = post(client, url(workspace, f"{ticket.number}/replies/{message.id}/undo"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your reply is back in the reply box" in page
    assert "Try turning it off and on.</textarea>" in page and 'value="boss@client.example"' in page
    assert not Message.select().where(Message.kind == Message.REPLY).exists()
    assert Ticket.get_by_id(ticket.id).message_count == ticket.message_count
    OutboundEmail.update(next_attempt_at=utcnow() - timedelta(seconds=1)).execute()
    _send_due(app)
    assert smtp_server.messages == []


def test_undo_after_a_run_claimed_the_reply_is_refused_and_it_is_sent_once(app, desk, smtp_server):
    workspace, owner, ticket, _ = desk
    now = utcnow() - timedelta(seconds=30)
    message = sending.send_reply(ticket, owner, "On its way", now=now, hold_seconds=10)
    row = OutboundEmail.get(OutboundEmail.message == message.id)
    assert _claim(row, utcnow())  # a job took it (and, say, was killed -9 right after)
    with pytest.raises(sending.TooLate):
        sending.undo_send(ticket, owner, message.id, now=utcnow())
    assert Message.get_by_id(message.id).body_text == "On its way"
    # The killed run's lease lapses; the sweep sends it, once.
    OutboundEmail.update(lease_until=utcnow() - timedelta(seconds=1)).execute()
    _send_due(app)
    _send_due(app)
    assert len(smtp_server.messages) == 1 and OutboundEmail.get().status == OutboundStatus.SENT
    assert SEND_LEASE > timedelta(0)


def test_a_run_after_the_undo_sends_nothing(app, desk, smtp_server):
    workspace, owner, ticket, _ = desk
    message = sending.send_reply(ticket, owner, "Oops", now=utcnow() - timedelta(seconds=30), hold_seconds=10)
    sending.undo_send(ticket, owner, message.id, now=utcnow())
    with app.app_context():
        deliver_reply(message.id)  # a job enqueued before the undo runs late
    _send_due(app)
    assert smtp_server.messages == [] and not OutboundEmail.select().exists()


def test_a_held_reply_is_not_sent_early_by_a_stray_job(app, desk, smtp_server):
    workspace, owner, ticket, _ = desk
    message = sending.send_reply(ticket, owner, "Wait for it", now=utcnow(), hold_seconds=10)
    with app.app_context():
        deliver_reply(message.id)
    assert smtp_server.messages == [] and Message.get_by_id(message.id).delivery_status == Message.QUEUED


def test_undo_off_sends_at_once(app, client, desk, smtp_server):
    workspace, owner, ticket, _ = desk
    Workspace.update(undo_send_seconds=0).where(Workspace.id == workspace.id).execute()
    response = post(client, url(workspace, f"{ticket.number}/reply"), {"body": "Right away"})
    with app.app_context():
        drain_jobs()
    assert "Reply sent to carla@client.example." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(smtp_server.messages) == 1


def test_a_bad_cc_is_refused_with_the_text_kept(client, desk):
    workspace, _, ticket, _ = desk
    response = post(client, url(workspace, f"{ticket.number}/reply"), {"body": "Hello", "cc": "boss@, x@y.org"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Cc: “boss@” is not an email address." in page
    assert "Hello</textarea>" in page and not Message.select().where(Message.kind == Message.REPLY).exists()


def test_the_next_reply_starts_with_the_last_replys_cc_and_bcc(app, client, desk):
    workspace, owner, ticket, _ = desk
    with app.app_context():
        sending.send_reply(ticket, owner, "First", now=utcnow(), hold_seconds=0, cc="boss@client.example",
                           bcc="audit@acme.example")
    page = client.get(url(workspace, str(ticket.number))).get_data(as_text=True)
    assert re.search(r"<input[^>]*id=\"reply-cc\"[^>]*value=\"boss@client.example\"", page)
    assert 'value="audit@acme.example"' in page


def test_nobody_undoes_another_persons_or_workspaces_reply(app, client, desk):
    workspace, owner, ticket, _ = desk
    message = sending.send_reply(ticket, owner, "Mine", now=utcnow(), hold_seconds=10)
    colleague = app.test_client()
    sign_in(colleague, add_member(workspace).user)
    assert post(colleague, url(workspace, f"{ticket.number}/replies/{message.id}/undo")).status_code == 404
    other = make_workspace(name="Globex")
    theirs = make_ticket(other, subject="Theirs")
    stranger = app.test_client()
    sign_in(stranger, other.membership_set.get().user)
    assert post(stranger, url(other, f"{theirs.number}/replies/{message.id}/undo")).status_code == 404
    assert Message.get_by_id(message.id).delivery_status == Message.QUEUED


def test_admins_set_the_undo_delay_and_mailbox_signatures_agents_cannot(app, client, desk):
    workspace, owner, ticket, mailbox = desk
    page = client.get(f"/w/{workspace.slug}/mailboxes/replies").get_data(as_text=True)
    assert "Undo send: seconds a reply waits" in page and f"Signature of {mailbox.address}" in page
    response = post(client, f"/w/{workspace.slug}/mailboxes/replies",
                    {"undo_send_seconds": "99", f"signature-{mailbox.id}": "Acme Support"})
    assert response.status_code == 422 and "from 0 to 60" in response.get_data(as_text=True)
    post(client, f"/w/{workspace.slug}/mailboxes/replies",
         {"undo_send_seconds": "0", f"signature-{mailbox.id}": "Acme Support"})
    assert Workspace.get_by_id(workspace.id).undo_send_seconds == 0
    assert signatures_for(workspace.id, owner.id, mailbox.id) == ["Acme Support"]
    agent = app.test_client()
    sign_in(agent, add_member(workspace).user)
    assert agent.get(f"/w/{workspace.slug}/mailboxes/replies").status_code in (403, 404)


def test_forwarding_sends_the_conversation_without_notes_and_records_it(app, client, desk):
    workspace, owner, ticket, _ = desk
    with app.app_context():
        tickets.add_note(ticket, owner, "Internal: VIP customer", now=utcnow())
    response = post(client, url(workspace, f"{ticket.number}/forward"),
                    {"to": "supplier@parts.example", "note": "Can you help with this jam?"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ticket forwarded to supplier@parts.example." in page
    assert f"{owner.name} forwarded this ticket to supplier@parts.example" in page
    (mail,) = sent_mail(app, to="supplier@parts.example")
    text = mail.get_body(("plain",)).get_content()
    assert "Can you help with this jam?" in text and "Hello, I need help." in text and "VIP" not in text
    assert mail["Reply-To"] == owner.email
    response = post(client, url(workspace, f"{ticket.number}/forward"), {"to": "not an address"})
    assert "is not an email address" in client.get(response.headers["Location"]).get_data(as_text=True)
    other = make_workspace(name="Globex")
    stranger = app.test_client()
    sign_in(stranger, other.membership_set.get().user)
    assert post(stranger, url(workspace, f"{ticket.number}/forward"), {"to": "x@y.org"}).status_code == 404


def test_a_save_from_before_the_agents_own_reply_does_not_bring_the_sent_text_back(client, desk):
    """Leaving the box while clicking Send fires one last save; when it reached the server after the
    reply, the sent text came back as a draft on the next page."""
    workspace, owner, ticket, _ = desk
    page = client.get(url(workspace, str(ticket.number))).get_data(as_text=True)
    assert '"last_reply_seen": 0' in page
    assert post(client, url(workspace, f"{ticket.number}/reply"), {"body": "Please clean the roller."}).status_code == 302
    late = post(client, url(workspace, f"{ticket.number}/draft"),
                {"body": "Please clean the roller.", "last_reply_seen": "0"}, headers={"HX-Request": "true"})
    assert late.status_code == 422 and "You sent a reply since this page was loaded" in late.get_data(as_text=True)
    assert not Draft.select().exists()
    page = client.get(url(workspace, str(ticket.number))).get_data(as_text=True)
    assert "Please clean the roller.</textarea>" not in page and '"last_reply_seen": 0' not in page
    seen = page.split('"last_reply_seen": ', 1)[1].split("}", 1)[0]
    typed = post(client, url(workspace, f"{ticket.number}/draft"),
                 {"body": "One more thing", "last_reply_seen": seen}, headers={"HX-Request": "true"})
    assert typed.status_code == 200 and [d.body for d in Draft.select()] == ["One more thing"]


def test_a_draft_save_racing_the_reply_never_leaves_the_sent_text_as_a_draft(app, desk):
    """The save fired by leaving the box and the reply arrive together, many times over: whichever runs
    first, no draft remains (on PostgreSQL both lock the ticket; SQLite writes one at a time)."""
    workspace, owner, _, _ = desk
    customer = make_customer(workspace, email="race@client.example")
    tickets_raced = [make_ticket(workspace, customer, subject=f"Race {n}") for n in range(12)]
    errors = []

    def race(ticket):
        barrier = threading.Barrier(2)

        def save():
            barrier.wait()
            with app.app_context(), db.database.connection_context():
                try:
                    save_draft(ticket, owner.id, body="Please clean the roller.", now=utcnow(), last_reply_seen=0)
                except StaleDraft:
                    pass

        def send():
            barrier.wait()
            with app.app_context(), db.database.connection_context():
                tickets.reply(ticket, owner, "Please clean the roller.", now=utcnow())

        threads = [threading.Thread(target=guarded(job, errors)) for job in (save, send)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for ticket in tickets_raced:
        race(ticket)
    assert not errors
    assert not Draft.select().where(Draft.ticket.in_([t.id for t in tickets_raced])).exists()
    assert Message.select().where(Message.ticket.in_([t.id for t in tickets_raced]), Message.kind == Message.REPLY).count() == 12


def guarded(job, errors):
    def run():
        try:
            job()
        except Exception as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
    return run
