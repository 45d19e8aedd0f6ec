"""Mail anyone can send that once stopped a mailbox for good (issue 9, point 1), on SQLite and PostgreSQL.

A Subject, sender name or Message-ID that decodes to a NUL, a NUL in the body or
in References: stored and processed, control characters out of what is shown,
the raw bytes kept as they came. A message the database still refuses is logged
as failed, visible on the mailbox, and the fetch goes on to the next one.
"""
from peewee import DatabaseError

from helpdesk.core import storage
from helpdesk.core.clock import utcnow
from helpdesk.mail import ingest, jobs
from helpdesk.mail import services as mail
from helpdesk.mail.models import STORE_FAILED_DECISION, InboundEmail, InboundStatus, Mailbox
from helpdesk.tickets.models import Message, Ticket
from tests.conftest import post, sign_in
from tests.factories import add_dovecot_mailbox

NUL_HEADERS = (b"From: =?utf-8?q?Eve=00Null?= <eve@client.example>\r\n"
               b"To: support@acme.example\r\n"
               b"Subject: =?utf-8?q?Hello=00World=1B[31m?=\r\n"
               b"Message-ID: =?utf-8?q?<nul=00id@client.example>?=\r\n"
               b"References: <root@client.example>\x00<other@client.example>\r\n"
               b"Date: Wed, 02 Dec 2026 10:00:00 +0000\r\n"
               b"Content-Type: text/plain; charset=utf-8\r\n\r\n")
NUL_MESSAGE = NUL_HEADERS + b"Line one\x00 still line one\x07\r\nLine two\r\n"


def plain(subject, sender="ann@client.example"):
    return (f"From: {sender}\r\nTo: support@acme.example\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '-')}@client.example>\r\n\r\nHello\r\n").encode()


def test_nul_in_subject_sender_message_id_body_and_references_is_stored_and_processed(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, plain("Before"))
    dovecot.deliver(imap_account.email, NUL_MESSAGE)
    dovecot.deliver(imap_account.email, plain("After"))

    summary = jobs.fetch_mailbox(mailbox.id)

    assert summary["error"] is None and summary["stored"] == 3 and summary["failed"] == 0
    subjects = [t.subject for t in Ticket.of(desk).order_by(Ticket.number)]
    assert subjects == ["Before", "HelloWorld[31m", "After"]
    row = InboundEmail.of(desk).where(InboundEmail.subject == "HelloWorld[31m").get()
    assert row.status == InboundStatus.PROCESSED and "\x00" not in (row.email_message_id or "")
    assert storage.read(row.raw_key).startswith(NUL_HEADERS.split(b"References")[0])  # raw bytes kept
    assert Message.get_by_id(row.message_id).customer.name == "EveNull"
    assert Mailbox.get_by_id(mailbox.id).last_fetch_error is None


def test_nul_in_the_body_and_references_is_processed_and_retry_works(desk):
    # Dovecot turns a NUL of the body into 0x80 on APPEND; other servers (and a forwarded .eml) keep it.
    row, created = ingest.store_inbound(desk.id, None, None, None, NUL_MESSAGE, now=utcnow())
    processed = ingest.process_inbound(row.id, now=utcnow())

    assert created and processed.status == InboundStatus.PROCESSED, processed.error
    assert storage.read(row.raw_key) == NUL_MESSAGE
    message = Message.get_by_id(processed.message_id)
    assert message.body_text.startswith("Line one still line one\nLine two")
    reply = ingest.store_inbound(desk.id, None, None, None, plain("Re: Hello [#1]", sender="eve@client.example")
                                 .replace(b"\r\n\r\n", b"\r\nReferences: <a@x>\x00<b@y>\r\n\r\n", 1), now=utcnow())[0]
    assert ingest.process_inbound(reply.id, now=utcnow()).status == InboundStatus.PROCESSED
    assert Ticket.of(desk).count() == 1 and Message.of(desk).count() == 2


def test_a_message_the_database_refuses_is_logged_failed_and_the_fetch_goes_on(
        desk, dovecot, imap_account, monkeypatch, client):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    for subject in ("First", "Refused", "Third"):
        dovecot.deliver(imap_account.email, plain(subject))
    real_insert = ingest._insert

    def refuse_one(values):
        if values["subject"] == "Refused":
            raise DatabaseError("value too long for type character varying(300)")
        return real_insert(values)

    monkeypatch.setattr(ingest, "_insert", refuse_one)
    summary = jobs.fetch_mailbox(mailbox.id)
    monkeypatch.undo()

    assert summary["error"] is None and summary["stored"] == 3
    assert [t.subject for t in Ticket.of(desk).order_by(Ticket.number)] == ["First", "Third"]
    failed = InboundEmail.of(desk).where(InboundEmail.status == InboundStatus.FAILED).get()
    assert failed.decision == STORE_FAILED_DECISION and "value too long" in failed.error
    assert storage.read(failed.raw_key) == plain("Refused")  # kept for a retry
    assert mail.failed_count(desk) == 1
    assert Mailbox.get_by_id(mailbox.id).last_uid == 3  # the next fetch starts after all three

    sign_in(client, desk.membership_set.get().user)
    page = client.get(f"/w/{desk.slug}/mailboxes/").get_data(as_text=True)
    assert "1 message could not be processed" in page
    assert post(client, f"/w/{desk.slug}/mailboxes/log/{failed.id}/retry").status_code == 302
    assert InboundEmail.get_by_id(failed.id).status == InboundStatus.PROCESSED
    assert Ticket.of(desk).count() == 3


def test_a_fetch_that_stops_on_an_unexpected_error_is_recorded_as_failed(desk, dovecot, imap_account, monkeypatch):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, plain("Any"))
    monkeypatch.setattr(jobs, "store_inbound", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))

    summary = jobs.fetch_mailbox(mailbox.id)

    assert "OSError: disk full" in summary["error"]
    after = Mailbox.get_by_id(mailbox.id)
    assert "disk full" in after.last_fetch_error and after.consecutive_failures == 1
    assert after.fetch_lease_until is None  # the next run may start after its backoff
