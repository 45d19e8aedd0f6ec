"""Agent replies out through the workspace's mailbox (R24, R27), against a real SMTP server and Dovecot."""
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.jobs import TemporaryFailure
from helpdesk.mail import jobs, send
from helpdesk.mail import services as mail
from helpdesk.mail.models import OutboundEmail, OutboundStatus
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Message, Ticket
from tests.conftest import drain_jobs, sent_mail
from tests.factories import add_dovecot_mailbox, customer_mail, make_workspace, owner_of


def fetched_ticket(desk, dovecot, imap_account, smtp_server, subject="Printer broken"):
    """A mailbox on Dovecot + the SMTP server, and a ticket that came in through it."""
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account, smtp_server)
    dovecot.deliver(imap_account.email, customer_mail(subject, message_id="<first@client.example>",
                                                      to=imap_account.email))
    jobs.fetch_mailbox(mailbox.id)
    return mailbox, Ticket.of(desk).get()


def send_reply(desk, ticket, body="Try turning it off and on."):
    """An agent reply; its delivery job is run to the end whether jobs run in-process or on Redis."""
    message = tickets.reply(ticket, owner_of(desk).user, body, now=utcnow())
    drain_jobs()
    for _ in range(3):  # on Redis, a retried job waits in the scheduler: run it here
        try:
            send.deliver_reply(message.id)
            break
        except TemporaryFailure:
            continue
    return Message.get_by_id(message.id)


def test_r24_reply_goes_out_through_the_mailbox_with_threading_headers_and_lands_in_sent(
        desk, dovecot, imap_account, smtp_server):
    mailbox, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)

    message = send_reply(desk, ticket)

    assert message.delivery_status == Message.SENT and message.delivery_error is None
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.rcpt_tos == ["ann@client.example"]
    assert received.mail_from == mailbox.address
    email = received.message
    assert email["Subject"] == f"Re: Printer broken [#{ticket.number}]"
    assert email["In-Reply-To"] == "<first@client.example>"
    assert email["References"] == "<first@client.example>"
    assert email["Message-ID"] == message.email_message_id
    assert email["From"].addresses[0].addr_spec == imap_account.email
    assert "Try turning it off and on." in email.get_body(("plain",)).get_content()
    assert smtp_server.logins == [(imap_account.email, imap_account.password)]
    sent = dovecot.folder_messages(*imap_account, folder="Sent")
    assert len(sent) == 1 and message.email_message_id.encode() in sent[0]
    assert OutboundEmail.get(OutboundEmail.message == message.id).sent_copy_status == "done"
    # The customer's answer to the reply threads onto the ticket.
    dovecot.deliver(imap_account.email, customer_mail("Re: Printer broken", In_Reply_To=message.email_message_id))
    jobs.fetch_mailbox(mailbox.id)
    assert Ticket.of(desk).count() == 1


def test_r24_smtp_421_then_250_is_retried_and_sent_once(desk, dovecot, imap_account, smtp_server):
    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    smtp_server.reply_with(["421 4.7.0 Try again later"])

    message = send_reply(desk, ticket)

    assert message.delivery_status == Message.SENT
    assert len(smtp_server.messages) == 1
    outbound = OutboundEmail.get(OutboundEmail.message == message.id)
    assert outbound.attempts == 2 and outbound.status == OutboundStatus.SENT


def test_r24_a_temporary_failure_shows_on_the_message_and_waits(desk, dovecot, imap_account, smtp_server):
    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    message = Message.create(workspace=desk, ticket=ticket, kind=Message.REPLY, author=owner_of(desk).user,
                             body_text="Hello", delivery_status=Message.QUEUED)
    smtp_server.reply_with(["451 4.3.0 Mailbox busy"])
    with pytest.raises(TemporaryFailure, match="451"):
        send.deliver_reply(message.id)
    message = Message.get_by_id(message.id)
    assert message.delivery_status == Message.QUEUED
    assert "451 4.3.0 Mailbox busy" in message.delivery_error and "trying again" in message.delivery_error
    outbound = OutboundEmail.get(OutboundEmail.message == message.id)
    assert outbound.next_attempt_at > utcnow()
    # The sweeper sends it when it is due.
    assert send.send_due_replies(now=utcnow()) == []
    assert send.send_due_replies(now=utcnow() + timedelta(minutes=1)) == [message.id]
    drain_jobs()
    send.deliver_reply(message.id)
    assert Message.get_by_id(message.id).delivery_status == Message.SENT
    assert len(smtp_server.messages) == 1


def test_r24_smtp_550_fails_the_reply_with_the_servers_words(desk, dovecot, imap_account, smtp_server):
    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    smtp_server.reply_with(["550 5.1.1 Recipient address rejected: no such user"])

    message = send_reply(desk, ticket)

    assert message.delivery_status == Message.FAILED
    assert "550 5.1.1 Recipient address rejected: no such user" in message.delivery_error
    assert smtp_server.messages == []
    assert dovecot.folder_messages(*imap_account, folder="Sent") == []
    send.deliver_reply(message.id)  # a failed reply is not sent again by itself
    assert smtp_server.messages == []


def test_r24_a_ticket_opened_by_hand_replies_from_the_default_mailbox(desk, dovecot, imap_account, smtp_server):
    from tests.factories import make_ticket

    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account, smtp_server)
    ticket = make_ticket(desk, subject="Phone call")
    send_reply(desk, ticket)
    assert [m.mail_from for m in smtp_server.messages] == [mailbox.address]


def test_r25_a_removed_mailbox_sends_nothing_more(app, desk, dovecot, imap_account, smtp_server):
    mailbox, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    message = queued_reply(desk, ticket)  # written while the mailbox was there
    mail.remove_mailbox(desk, owner_of(desk), mailbox.id, now=utcnow())
    send.deliver_reply(message.id)
    assert smtp_server.messages == []  # the removed mailbox's server is not contacted
    assert Message.get_by_id(message.id).delivery_status == Message.SENT  # the system mail server took it
    [email] = sent_mail(app, to="Ann Lee <ann@client.example>")
    assert email["Subject"] == f"Re: Printer broken [#{ticket.number}]"


def test_r27_replies_are_rate_limited_per_workspace(app, desk, dovecot, imap_account, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_LIMIT_PER_HOUR", 2)
    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    replies = [send_reply(desk, ticket, f"Answer {n}") for n in range(3)]

    assert [m.delivery_status for m in replies] == [Message.SENT, Message.SENT, Message.QUEUED]
    assert replies[2].delivery_error.startswith("Waiting: this workspace sent 2 emails in the last hour")
    assert len(smtp_server.messages) == 2
    # Another workspace is not held back.
    other = make_workspace(name="Other")
    add_dovecot_mailbox(other, dovecot, imap_account, smtp_server)
    from tests.factories import make_ticket

    assert send_reply(other, make_ticket(other)).delivery_status == Message.SENT
    # An hour later the waiting reply goes out.
    later = utcnow() + timedelta(hours=1, minutes=1)
    assert send.send_due_replies(now=later) == [replies[2].id]
    drain_jobs()
    send.deliver_reply(replies[2].id, now=later)
    assert Message.get_by_id(replies[2].id).delivery_status == Message.SENT
    assert len(smtp_server.messages) == 4


def test_r26_a_lost_reply_job_is_picked_up_by_the_sweeper(desk, dovecot, imap_account, smtp_server):
    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    message = Message.create(workspace=desk, ticket=ticket, kind=Message.REPLY, author=owner_of(desk).user,
                             body_text="Lost job", delivery_status=Message.QUEUED,
                             created_at=utcnow() - timedelta(minutes=5))
    assert send.send_due_replies() == [message.id]
    drain_jobs()
    send.deliver_reply(message.id)
    assert Message.get_by_id(message.id).delivery_status == Message.SENT
    assert len(smtp_server.messages) == 1


def test_r24_a_failed_sent_copy_is_retried_without_resending(desk, dovecot, imap_account, smtp_server, monkeypatch):
    from helpdesk.mail.imap import ImapClient, MailConnectionError, Problem

    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)

    def broken_append(self, folder, raw, create=True):
        raise MailConnectionError(Problem.UNREACHABLE, "dropped")

    monkeypatch.setattr(ImapClient, "append", broken_append)
    message = send_reply(desk, ticket)
    outbound = OutboundEmail.get(OutboundEmail.message == message.id)
    assert outbound.sent_copy_status == "pending" and outbound.sent_copy_error == "dropped"
    monkeypatch.undo()
    send.send_due_replies(now=utcnow() + timedelta(minutes=2))
    drain_jobs()
    send.append_sent_copy(outbound.id)
    assert OutboundEmail.get_by_id(outbound.id).sent_copy_status == "done"
    assert len(dovecot.folder_messages(*imap_account, folder="Sent")) == 1
    assert len(smtp_server.messages) == 1


def queued_reply(desk, ticket, body="Hello"):
    """A reply whose delivery job has not run yet."""
    return Message.create(workspace=desk, ticket=ticket, kind=Message.REPLY, author=owner_of(desk).user,
                          body_text=body, delivery_status=Message.QUEUED)


def after_the_lease():
    """Everything a later run would do once the sending run's lease lapsed: the sweep, and the job itself."""
    later = utcnow() + send.SEND_LEASE + timedelta(minutes=1)
    send.send_due_replies(now=later)
    drain_jobs()
    return later


def test_r24_a_crash_right_after_the_servers_250_does_not_send_the_reply_again(
        desk, dovecot, imap_account, smtp_server, monkeypatch):
    import smtplib

    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    message = queued_reply(desk, ticket)
    docmd = smtplib.SMTP.docmd

    def crash_at_quit(self, cmd, args=""):
        if cmd.upper() == "QUIT":
            raise RuntimeError("the process fell over")
        return docmd(self, cmd, args)

    monkeypatch.setattr(smtplib.SMTP, "docmd", crash_at_quit)
    send.deliver_reply(message.id)
    monkeypatch.undo()

    assert Message.get_by_id(message.id).delivery_status == Message.SENT
    send.deliver_reply(message.id, now=after_the_lease())
    assert len(smtp_server.messages) == 1
    # The Sent copy, skipped by the crashed run, is added by the sweep.
    assert len(dovecot.folder_messages(*imap_account, folder="Sent")) == 1


KILL_AT_QUIT = """
import json, os, signal, smtplib, sys
from helpdesk import create_app
from helpdesk.mail.send import deliver_reply

docmd = smtplib.SMTP.docmd
def killed_at_quit(self, cmd, args=""):
    if cmd.upper() == "QUIT":  # the server has answered 250 to the end of DATA
        os.kill(os.getpid(), signal.SIGKILL)
    return docmd(self, cmd, args)
smtplib.SMTP.docmd = killed_at_quit
with create_app(json.loads(sys.argv[1])).app_context():
    deliver_reply(int(sys.argv[2]))
"""


def test_r24_a_send_process_killed_right_after_the_servers_250_does_not_send_the_reply_again(
        app, desk, dovecot, imap_account, smtp_server):
    import json
    import signal
    import subprocess
    import sys
    from email import message_from_bytes, policy

    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    message = queued_reply(desk, ticket)
    config = {key: str(app.config[key]) for key in ("DATABASE_URL", "STORAGE_DIR", "MAIL_URL", "ENCRYPTION_KEYS",
                                                    "SECRET_KEY", "QUEUE_NAME", "BASE_URL")}
    child = subprocess.run([sys.executable, "-c", KILL_AT_QUIT, json.dumps({"TESTING": True, **config}),
                            str(message.id)], capture_output=True, timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert len(smtp_server.messages) == 1

    send.deliver_reply(message.id, now=after_the_lease())
    assert len(smtp_server.messages) == 1
    assert Message.get_by_id(message.id).delivery_status == Message.SENT
    # The Sent copy comes from the sweep, with the Message-ID and Date that went out.
    send.send_due_replies(now=utcnow() + timedelta(minutes=2))
    drain_jobs()
    [copy] = [message_from_bytes(raw, policy=policy.default)
              for raw in dovecot.folder_messages(*imap_account, folder="Sent")]
    received = smtp_server.messages[0].message
    assert (copy["Message-ID"], copy["Date"]) == (received["Message-ID"], received["Date"])


def test_r24_without_redis_a_temporary_failure_waits_its_backoff(
        app, desk, dovecot, imap_account, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)  # jobs in-process, as on a laptop
    _, ticket = fetched_ticket(desk, dovecot, imap_account, smtp_server)
    smtp_server.reply_with(["421 4.7.0 Try again later"] * 3)
    start = utcnow()

    message = tickets.reply(ticket, owner_of(desk).user, "Any news?", now=start)

    outbound = OutboundEmail.get(OutboundEmail.message == message.id)
    assert outbound.attempts == 1 and outbound.status == OutboundStatus.QUEUED
    assert outbound.next_attempt_at >= start + send.RETRY_DELAYS[0]
    assert send.send_due_replies(now=start + timedelta(seconds=5)) == []  # not due: not tried
    assert OutboundEmail.get_by_id(outbound.id).attempts == 1
    assert send.send_due_replies(now=start + send.RETRY_DELAYS[0] + timedelta(seconds=1)) == [message.id]
    outbound = OutboundEmail.get_by_id(outbound.id)
    assert outbound.attempts == 2 and outbound.next_attempt_at >= start + send.RETRY_DELAYS[1]
    assert smtp_server.messages == []
