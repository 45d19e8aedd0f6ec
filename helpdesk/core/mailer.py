"""Outgoing system mail (verification, reset, invitations, notices).

`send_email()` renders the plain-text and HTML templates `email/<name>.txt`
and `email/<name>.html`, stores the message as a `SystemEmail` row and hands
its id to a job, which delivers it through `MAIL_URL`:

- `smtp://user:password@host:port` (STARTTLS when the server offers it),
- `smtps://user:password@host:port` (TLS from the first byte),
- `file:///path` (the default): each message is written as an `.eml` file and logged.

Temporary failures (4xx answers, timeouts, refused connections) put the row
back in the queue with a backoff (`next_attempt_at`) and raise `TemporaryFailure`;
`send_due_system_emails` (a periodic job) sends it when it is due, with or without
Redis. Permanent ones (5xx) are kept on the row with the server's words.

Mail a person may stop (suggestion notifications) carries one-click unsubscribe
(RFC 8058): `send_email(..., unsubscribe_url=...)` adds `List-Unsubscribe` and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`, and gives the templates the link for the body.

The bodies hold emailed link tokens (verification, reset, invitation, unsubscribe), so they
are stored encrypted (`core.crypto`) while the message waits, and erased in the
update that marks it sent or failed: no usable token stays at rest. A retry
decrypts them again; nothing else ever reads them.
"""
import logging
import smtplib
import socket
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from peewee import CharField, DateTimeField, IntegerField, TextField

from helpdesk.core.clock import utcnow
from helpdesk.core.crypto import decrypt, encrypt, register_encrypted
from helpdesk.core.urls import request_context
from helpdesk.jobs import DEFAULT_RETRY_INTERVALS, TemporaryFailure, enqueue, job
from helpdesk.models import BaseModel

log = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=5)
# Waits after 1, 2, 3... temporary failures (about half an hour in all: a reset link works for an hour).
RETRY_DELAYS = [timedelta(seconds=s) for s in DEFAULT_RETRY_INTERVALS]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class SystemEmail(BaseModel):
    """A message the service sends on its own behalf, kept until delivered."""

    QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"

    to_address = CharField()
    reply_to = CharField(null=True)  # where the person's answer should go (a workspace's mailbox)
    subject = CharField(max_length=998)
    text_body = TextField(null=True)  # encrypted while queued; None once sent or failed
    html_body = TextField(null=True)
    unsubscribe_url = TextField(null=True)  # encrypted like the bodies; None once sent or failed
    status = CharField(max_length=16, default=QUEUED, index=True)
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    next_attempt_at = DateTimeField(null=True)
    lease_until = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)


register_encrypted(SystemEmail, "text_body", "html_body", "unsubscribe_url")


def send_email(to, subject, template, reply_to=None, unsubscribe_url=None, **context):
    """Render `template` for `to` and queue its delivery (from a request or a job). Returns the stored row.

    `reply_to`: the address the person's answer should reach (a help-center acknowledgement's mailbox).
    `unsubscribe_url`: an absolute URL that stops this kind of mail when POSTed to (RFC 8058) and
    shows a confirmation page on GET; the templates get it as `unsubscribe_url` for the body's link.
    """
    email = store_email(to, subject, template, reply_to=reply_to, unsubscribe_url=unsubscribe_url, **context)
    enqueue(deliver_system_email, email.id)
    return email


def store_email(to, subject, template, reply_to=None, unsubscribe_url=None, **context):
    """`send_email` without starting the delivery: for a caller that stores the row in its own transaction and
    enqueues `deliver_system_email` once that committed (in-process, delivery inside the transaction would send
    mail that a crash before the commit forgets). Left alone, the row is sent by `send_due_system_emails`."""
    with request_context():
        text_body = render_template(f"email/{template}.txt", unsubscribe_url=unsubscribe_url, **context)
        html_body = render_template(f"email/{template}.html", unsubscribe_url=unsubscribe_url, **context)
    email = SystemEmail.create(to_address=to, reply_to=reply_to, subject=subject, text_body=encrypt(text_body),
                               html_body=encrypt(html_body), next_attempt_at=utcnow(),
                               unsubscribe_url=encrypt(unsubscribe_url) if unsubscribe_url else None)
    return email


def build_message(email, sender):
    """The MIME message for a stored `SystemEmail`: text and HTML alternatives."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"system-{email.id}", domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    if email.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{decrypt(email.unsubscribe_url)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(decrypt(email.text_body))
    message.add_alternative(decrypt(email.html_body), subtype="html")
    return message


def _claim(email_id, now):
    """queued (or sending with a lapsed lease) -> sending; False when another run holds it or it is done."""
    return bool(SystemEmail.update(status=SystemEmail.SENDING, lease_until=now + SEND_LEASE,
                                   attempts=SystemEmail.attempts + 1)
                .where(SystemEmail.id == email_id,
                       (SystemEmail.status == SystemEmail.QUEUED)
                       | ((SystemEmail.status == SystemEmail.SENDING) & (SystemEmail.lease_until < now)))
                .execute())


def _finish(email_id, status, error, now):
    """Sent or failed for good: one update that also erases the bodies (and the link tokens in them)."""
    (SystemEmail.update(status=status, last_error=error, lease_until=None, text_body=None, html_body=None,
                        unsubscribe_url=None,
                        sent_at=now if status == SystemEmail.SENT else None)
     .where(SystemEmail.id == email_id).execute())


@job
def deliver_system_email(email_id, now=None):
    """Deliver one queued `SystemEmail`; a run of one sent, failed or taken by another run does nothing."""
    now = now or utcnow()
    if not _claim(email_id, now):
        return
    email = SystemEmail.get_by_id(email_id)
    if email.attempts > MAX_ATTEMPTS:  # runs that died while sending (lease lapsed) count too
        _finish(email.id, SystemEmail.FAILED, f"Gave up after {MAX_ATTEMPTS} attempts: {email.last_error or 'no answer'}", now)
        return
    try:
        deliver(build_message(email, current_app.config["MAIL_FROM"]), current_app.config["MAIL_URL"],
                on_accepted=lambda: _finish(email.id, SystemEmail.SENT, None, now))
    except TemporaryFailure as error:
        if email.attempts >= MAX_ATTEMPTS:
            _finish(email.id, SystemEmail.FAILED, f"Gave up after {email.attempts} attempts: {error}", now)
            log.error("mail to %s failed for good: %s", email.to_address, error)
            return
        delay = RETRY_DELAYS[email.attempts - 1]
        (SystemEmail.update(status=SystemEmail.QUEUED, lease_until=None, last_error=str(error),
                            next_attempt_at=now + delay).where(SystemEmail.id == email.id).execute())
        raise
    except PermanentFailure as error:
        _finish(email.id, SystemEmail.FAILED, str(error), now)
        log.error("mail to %s failed for good: %s", email.to_address, error)


@job
def send_due_system_emails(now=None, limit=200):
    """Run the deliveries whose retry time came, or whose run died while sending. Returns their ids."""
    now = now or utcnow()
    due = [i for (i,) in SystemEmail.select(SystemEmail.id)
           .where(((SystemEmail.status == SystemEmail.QUEUED) & (SystemEmail.next_attempt_at <= now))
                  | ((SystemEmail.status == SystemEmail.SENDING) & (SystemEmail.lease_until < now)))
           .order_by(SystemEmail.id).limit(limit).tuples()]
    for email_id in due:
        try:
            enqueue(deliver_system_email, email_id, retry=False)
        except TemporaryFailure:
            pass  # recorded on the row; due again later
    return due


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


def deliver(message, mail_url, on_accepted=None):
    """Send `message` through `mail_url` (smtp, smtps or file); `on_accepted()` as in `send_smtp`."""
    url = urlsplit(mail_url)
    if url.scheme == "file":
        write_to_outbox(message, Path(unquote(url.path)))
        if on_accepted:
            on_accepted()
        return
    send_smtp(
        message,
        host=url.hostname or "localhost",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        implicit_tls=url.scheme == "smtps",
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        on_accepted=on_accepted,
    )


def write_to_outbox(message, folder):
    """Write `message` as an `.eml` file under `folder` (development and tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    message_id = message["Message-ID"].strip("<>").replace("/", "_")
    path = folder / f"{message_id}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to %s written to %s: %s", message["To"], path, message["Subject"])


def send_smtp(message, *, host, port, implicit_tls=False, username=None, password=None,
              timeout=30, auth=None, on_accepted=None):
    """Send through an SMTP server, turning its answers into Temporary/PermanentFailure.

    `auth` is an optional callable `(smtp)` that authenticates (XOAUTH2, for example);
    otherwise `username`/`password` log in when given. `on_accepted()` runs as soon as
    the server answered 250 to the end of DATA, before QUIT: the caller records the
    acceptance there, and nothing after it (QUIT, a dropped connection) counts as a failure.
    """
    context = ssl.create_default_context()
    try:
        if implicit_tls:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            smtp.ehlo()
            if not implicit_tls and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            if auth:
                auth(smtp)
            elif username:
                smtp.login(username, password or "")
            smtp.send_message(message)  # returns right after the server's 250 to the end of DATA
        except BaseException:
            smtp.close()
            raise
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()))
        raise _failure(code, text) from error
    except smtplib.SMTPResponseException as error:
        raise _failure(error.smtp_code, error.smtp_error) from error
    except (smtplib.SMTPServerDisconnected, socket.timeout, ConnectionError, OSError) as error:
        raise TemporaryFailure(f"could not reach {host}:{port}: {error}") from error
    try:
        if on_accepted:
            on_accepted()
    finally:
        _quit(smtp)


def _quit(smtp):
    """Say goodbye; the message is already accepted, so a failing QUIT only closes the socket."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _failure(code, text):
    words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if 400 <= code < 500:
        return TemporaryFailure(f"{code} {words}")
    return PermanentFailure(f"{code} {words}")


def _domain(address):
    return address.rsplit("@", 1)[-1].strip(">") if "@" in address else "localhost"
