"""System mail: rendered text + HTML, delivered by a job through MAIL_URL, retried when temporary."""
import smtplib
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.core.crypto import encrypt
from helpdesk.core.mailer import SystemEmail, deliver_system_email, send_due_system_emails, send_email
from helpdesk.extensions import db
from helpdesk.jobs import TemporaryFailure, enqueue, queue
from helpdesk.models import all_models
from tests.conftest import drain_jobs, link_in, post, sent_mail
from tests.factories import make_user


@pytest.fixture
def smtp_mail_url(app, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://helpdesk%40x.example:s3cret@127.0.0.1:{smtp_server.port}")
    return smtp_server


def queue_invitation(to="pat@x.example"):
    """A stored message without delivery (as if the job had not run yet)."""
    return SystemEmail.create(to_address=to, subject="Hello", text_body=encrypt("Plain words"),
                              html_body=encrypt("<p>Plain words</p>"), next_attempt_at=utcnow())


def test_file_outbox_gets_a_text_and_html_message(app, app_context):
    with app.test_request_context():
        email = send_email("pat@x.example", "Confirm your email address", "verify_email",
                           user=type("U", (), {"name": "Pat"})(), link="http://localhost/verify/abc")
    (message,) = sent_mail(app, to="pat@x.example")
    assert message["Subject"] == "Confirm your email address"
    assert "http://localhost/verify/abc" in message.get_body(("plain",)).get_content()
    assert 'href="http://localhost/verify/abc"' in message.get_body(("html",)).get_content()
    assert message["Auto-Submitted"] == "auto-generated"
    assert SystemEmail.get_by_id(email.id).status == SystemEmail.SENT


def test_smtp_delivery_logs_in_and_sends(app_context, smtp_mail_url):
    email = queue_invitation()
    deliver_system_email(email.id)
    (received,) = smtp_mail_url.messages
    assert received.rcpt_tos == ["pat@x.example"]
    assert received.message["Subject"] == "Hello"
    assert smtp_mail_url.logins == [("helpdesk@x.example", "s3cret")]
    assert SystemEmail.get_by_id(email.id).status == SystemEmail.SENT


def test_temporary_failure_is_retried_and_delivered_once(app_context, smtp_mail_url):
    smtp_mail_url.reply_with(["421 4.7.0 Try again later"])
    email = queue_invitation()
    with pytest.raises(TemporaryFailure, match="421"):
        deliver_system_email(email.id)
    stored = SystemEmail.get_by_id(email.id)
    assert stored.status == SystemEmail.QUEUED and "Try again later" in stored.last_error
    assert stored.next_attempt_at > utcnow() + timedelta(seconds=5)
    deliver_system_email(email.id, now=utcnow() + timedelta(seconds=11))  # the retry
    deliver_system_email(email.id)  # a duplicate run changes nothing
    assert len(smtp_mail_url.messages) == 1
    stored = SystemEmail.get_by_id(email.id)
    assert stored.status == SystemEmail.SENT and stored.attempts == 2


def test_permanent_failure_keeps_the_servers_words(app_context, smtp_mail_url):
    smtp_mail_url.reply_with(["550 5.1.1 Mailbox unavailable"])
    email = queue_invitation()
    deliver_system_email(email.id)
    stored = SystemEmail.get_by_id(email.id)
    assert stored.status == SystemEmail.FAILED and stored.last_error == "550 5.1.1 Mailbox unavailable"
    deliver_system_email(email.id)
    assert smtp_mail_url.messages == []


def test_unreachable_server_is_a_temporary_failure(app, app_context, monkeypatch):
    from tests.servers import free_port

    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{free_port()}")
    with pytest.raises(TemporaryFailure, match="could not reach"):
        deliver_system_email(queue_invitation().id)


def test_send_email_goes_through_the_queue_with_retries(app, app_context, smtp_mail_url):
    smtp_mail_url.reply_with(["421 4.7.0 Try again later"])
    email = queue_invitation()
    job = enqueue(deliver_system_email, email.id)
    drain_jobs()
    stored = SystemEmail.get_by_id(email.id)
    assert stored.status == SystemEmail.QUEUED and stored.attempts == 1
    if queue() is not None:
        # On Redis: the failed try is also scheduled again by RQ, with backoff.
        job.refresh()
        assert job.get_status() == "scheduled" and job.retries_left == 4
    # Either way the periodic sweep sends it once it is due.
    assert send_due_system_emails(now=utcnow() + timedelta(seconds=11)) == [email.id]
    drain_jobs()
    assert SystemEmail.get_by_id(email.id).status == SystemEmail.SENT
    assert len(smtp_mail_url.messages) == 1


def test_in_process_a_temporary_failure_waits_its_backoff_instead_of_using_up_the_attempts(
        app, app_context, smtp_mail_url, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)  # jobs in-process, as on a laptop
    smtp_mail_url.reply_with(["421 4.7.0 Try again later"] * 3)
    start = utcnow()
    email = send_email("pat@x.example", "Confirm your email address", "verify_email",
                       user=type("U", (), {"name": "Pat"})(), link="http://localhost/verify/abc")
    stored = SystemEmail.get_by_id(email.id)
    assert stored.attempts == 1 and stored.status == SystemEmail.QUEUED
    assert stored.next_attempt_at >= start + timedelta(seconds=10)
    assert send_due_system_emails(now=start + timedelta(seconds=5)) == []  # not due yet: nothing tried
    assert SystemEmail.get_by_id(email.id).attempts == 1
    assert send_due_system_emails(now=start + timedelta(seconds=11)) == [email.id]
    stored = SystemEmail.get_by_id(email.id)
    assert stored.attempts == 2 and stored.next_attempt_at >= start + timedelta(seconds=60)
    assert smtp_mail_url.messages == []


def test_a_connection_lost_after_the_servers_250_counts_as_sent(app_context, smtp_mail_url, monkeypatch):
    def dropped(self):
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr(smtplib.SMTP, "quit", dropped)
    email = queue_invitation()
    deliver_system_email(email.id)
    assert SystemEmail.get_by_id(email.id).status == SystemEmail.SENT
    send_due_system_emails(now=utcnow() + timedelta(hours=1))
    drain_jobs()
    assert len(smtp_mail_url.messages) == 1


def database_text():
    """Every value of every table, as one string (what a stolen database dump would show)."""
    values = []
    for model in all_models():
        for row in db.database.execute_sql(f'SELECT * FROM "{model._meta.table_name}"').fetchall():
            values.extend(str(value) for value in row)
    return "\n".join(values)


def test_an_emailed_reset_token_is_never_readable_in_the_database(app, client, smtp_mail_url, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    smtp_mail_url.reply_with(["421 4.7.0 Try again later"])  # the first try fails: the mail waits queued
    user = make_user()
    post(client, "/reset", {"email": user.email})
    with app.app_context():
        [waiting] = SystemEmail.select()
        assert waiting.status == SystemEmail.QUEUED
        stored_while_waiting = database_text()
        send_due_system_emails(now=utcnow() + timedelta(seconds=11))  # the retry still has the link
    (received,) = smtp_mail_url.messages
    token = link_in(received.message).rsplit("/", 1)[-1]
    assert len(token) >= 20 and token not in stored_while_waiting
    with app.app_context():
        assert token not in database_text()
        sent = SystemEmail.get_by_id(waiting.id)
        assert sent.status == SystemEmail.SENT and sent.text_body is None and sent.html_body is None
    assert client.get(f"/reset/{token}").status_code == 200  # the emailed link still works


def test_a_refused_system_email_keeps_no_link_in_the_database(app_context, smtp_mail_url):
    smtp_mail_url.reply_with(["550 5.1.1 Mailbox unavailable"])
    email = send_email("pat@x.example", "Confirm your email address", "verify_email",
                       user=type("U", (), {"name": "Pat"})(), link="http://localhost/verify/s3cr3t-t0ken")
    drain_jobs()
    stored = SystemEmail.get_by_id(email.id)
    assert stored.status == SystemEmail.FAILED and stored.text_body is None and stored.html_body is None
    assert "s3cr3t-t0ken" not in database_text()


def test_mail_with_an_unsubscribe_link_has_one_click_headers_and_forgets_the_link_once_sent(app, app_context):
    """RFC 8058: the URL in List-Unsubscribe, the One-Click POST header, and a link in the body."""
    url = "http://localhost/unsubscribe/signed-token"
    email = send_email("pat@x.example", "Status changed", "verify_email", unsubscribe_url=url,
                       user=type("U", (), {"name": "Pat"})(), link="http://localhost/verify/abc")
    (message,) = sent_mail(app, to="pat@x.example")
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{url}"' in message.get_body(("html",)).get_content()
    assert SystemEmail.get_by_id(email.id).unsubscribe_url is None  # erased with the bodies


def test_mail_without_an_unsubscribe_link_has_no_list_headers(app, app_context):
    send_email("pat@x.example", "Confirm", "verify_email", user=type("U", (), {"name": "Pat"})(),
               link="http://localhost/verify/abc")
    (message,) = sent_mail(app, to="pat@x.example")
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    assert "Unsubscribe" not in message.get_body(("html",)).get_content()


def test_a_queued_unsubscribe_link_is_stored_encrypted(app_context):
    from helpdesk.core.crypto import decrypt

    email = SystemEmail.create(to_address="pat@x.example", subject="Hi", text_body=encrypt("t"),
                               html_body=encrypt("<p>t</p>"), unsubscribe_url=encrypt("http://localhost/u/x"))
    stored = SystemEmail.get_by_id(email.id).unsubscribe_url
    assert "http://localhost/u/x" not in stored and decrypt(stored) == "http://localhost/u/x"
