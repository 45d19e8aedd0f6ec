"""Outgoing system mail (verification, reset, invitations, notices).

`send_email()` renders the plain-text and HTML templates `email/<name>.txt`
and `email/<name>.html`, stores the message as a `SystemEmail` row and hands
its id to a job, which delivers it through `MAIL_URL`:

- `smtp://user:password@host:port` (STARTTLS when the server offers it),
- `smtps://user:password@host:port` (TLS from the first byte),
- `file:///path` (the default): each message is written as an `.eml` file and logged.

Temporary failures (4xx answers, timeouts, refused connections) raise
`TemporaryFailure` so that the job is retried; permanent ones (5xx) are kept
on the row with the server's words.
"""
import logging
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from peewee import CharField, DateTimeField, IntegerField, TextField

from helpdesk.core.clock import utcnow
from helpdesk.core.urls import request_context
from helpdesk.jobs import TemporaryFailure, enqueue, job
from helpdesk.models import BaseModel

log = logging.getLogger(__name__)


class SystemEmail(BaseModel):
    """A message the service sends on its own behalf, kept until delivered."""

    QUEUED, SENT, FAILED = "queued", "sent", "failed"

    to_address = CharField()
    subject = CharField(max_length=998)
    text_body = TextField()
    html_body = TextField()
    status = CharField(max_length=16, default=QUEUED, index=True)
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    sent_at = DateTimeField(null=True)


def send_email(to, subject, template, **context):
    """Render `template` for `to` and queue its delivery (from a request or a job). Returns the stored row."""
    with request_context():
        text_body = render_template(f"email/{template}.txt", **context)
        html_body = render_template(f"email/{template}.html", **context)
    email = SystemEmail.create(to_address=to, subject=subject, text_body=text_body, html_body=html_body)
    enqueue(deliver_system_email, email.id)
    return email



def build_message(email, sender):
    """The MIME message for a stored `SystemEmail`: text and HTML alternatives."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"system-{email.id}", domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text_body)
    message.add_alternative(email.html_body, subtype="html")
    return message


@job
def deliver_system_email(email_id):
    """Deliver one queued `SystemEmail`; a second run of a sent one does nothing."""
    email = SystemEmail.get_or_none(SystemEmail.id == email_id)
    if email is None or email.status != SystemEmail.QUEUED:
        return
    email.attempts += 1
    try:
        deliver(build_message(email, current_app.config["MAIL_FROM"]), current_app.config["MAIL_URL"])
    except TemporaryFailure as error:
        email.last_error = str(error)
        email.save()
        raise
    except PermanentFailure as error:
        email.status, email.last_error = SystemEmail.FAILED, str(error)
        email.save()
        log.error("mail to %s failed for good: %s", email.to_address, error)
        return
    email.status, email.sent_at, email.last_error = SystemEmail.SENT, utcnow(), None
    email.save()


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


def deliver(message, mail_url):
    """Send `message` through `mail_url` (smtp, smtps or file)."""
    url = urlsplit(mail_url)
    if url.scheme == "file":
        write_to_outbox(message, Path(unquote(url.path)))
        return
    send_smtp(
        message,
        host=url.hostname or "localhost",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        implicit_tls=url.scheme == "smtps",
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
    )


def write_to_outbox(message, folder):
    """Write `message` as an `.eml` file under `folder` (development and tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    message_id = message["Message-ID"].strip("<>").replace("/", "_")
    path = folder / f"{message_id}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to %s written to %s: %s", message["To"], path, message["Subject"])


def send_smtp(message, *, host, port, implicit_tls=False, username=None, password=None,
              timeout=30, auth=None):
    """Send through an SMTP server, turning its answers into Temporary/PermanentFailure.

    `auth` is an optional callable `(smtp)` that authenticates (XOAUTH2, for example);
    otherwise `username`/`password` log in when given.
    """
    context = ssl.create_default_context()
    try:
        if implicit_tls:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            smtp.ehlo()
            if not implicit_tls and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            if auth:
                auth(smtp)
            elif username:
                smtp.login(username, password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()))
        raise _failure(code, text) from error
    except smtplib.SMTPResponseException as error:
        raise _failure(error.smtp_code, error.smtp_error) from error
    except (smtplib.SMTPServerDisconnected, socket.timeout, ConnectionError, OSError) as error:
        raise TemporaryFailure(f"could not reach {host}:{port}: {error}") from error


def _failure(code, text):
    words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if 400 <= code < 500:
        return TemporaryFailure(f"{code} {words}")
    return PermanentFailure(f"{code} {words}")


def _domain(address):
    return address.rsplit("@", 1)[-1].strip(">") if "@" in address else "localhost"
