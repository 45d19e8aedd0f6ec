"""System mail: rendered text + HTML, delivered by a job through MAIL_URL, retried when temporary."""
import pytest

from helpdesk.core.mailer import SystemEmail, deliver_system_email, send_email
from helpdesk.jobs import TemporaryFailure, enqueue, queue
from tests.conftest import drain_jobs, sent_mail


@pytest.fixture
def smtp_mail_url(app, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://helpdesk%40x.example:s3cret@127.0.0.1:{smtp_server.port}")
    return smtp_server


def queue_invitation(to="pat@x.example"):
    """A stored message without delivery (as if the job had not run yet)."""
    return SystemEmail.create(to_address=to, subject="Hello", text_body="Plain words", html_body="<p>Plain words</p>")


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
    deliver_system_email(email.id)  # the retry
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
    if queue() is None:
        # In-process: retried at once, delivered.
        assert stored.status == SystemEmail.SENT and stored.attempts == 2
    else:
        # On Redis: the failed try is scheduled again with backoff, nothing lost.
        job.refresh()
        assert job.get_status() == "scheduled" and job.retries_left == 4
        assert stored.status == SystemEmail.QUEUED
        deliver_system_email(email.id)
        assert SystemEmail.get_by_id(email.id).status == SystemEmail.SENT
    assert len(smtp_mail_url.messages) == 1
