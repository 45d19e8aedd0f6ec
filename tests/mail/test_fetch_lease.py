"""A fetch killed with its lease held (issue 9, point 5): the next one takes over when the holder is gone."""
import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta


from helpdesk.core.clock import utcnow
from helpdesk.mail import jobs
from helpdesk.mail.models import Mailbox
from helpdesk.tickets.models import Ticket
from tests.conftest import drain_jobs
from tests.factories import add_dovecot_mailbox, customer_mail


def dead_pid():
    """The pid of a process of this host that was killed with SIGKILL, as a crashed fetch is."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return process.pid


def hold_lease(mailbox, holder):
    Mailbox.update(fetch_lease_until=utcnow() + timedelta(minutes=10), fetch_lease_holder=holder).where(
        Mailbox.id == mailbox.id).execute()


def test_a_lease_whose_process_was_killed_is_taken_over_at_once(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("After the crash"))
    holder = f"{socket.gethostname()}:{dead_pid()}"
    hold_lease(mailbox, holder)

    summary = jobs.fetch_mailbox(mailbox.id)

    assert summary["error"] is None and summary["took_over"] == holder
    assert [t.subject for t in Ticket.of(desk)] == ["After the crash"]
    after = Mailbox.get_by_id(mailbox.id)
    assert after.fetch_lease_until is None and after.fetch_lease_holder is None


def test_the_minutely_job_does_not_wait_for_the_lease_of_a_killed_fetch(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("After the crash"))
    hold_lease(mailbox, f"{socket.gethostname()}:{dead_pid()}")

    assert jobs.fetch_due_mailboxes(now=utcnow()) == [mailbox.id]
    drain_jobs()
    assert [t.subject for t in Ticket.of(desk)] == ["After the crash"]


def test_a_lease_of_a_live_process_is_respected_and_the_refusal_says_how_to_take_over(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    hold_lease(mailbox, f"{socket.gethostname()}:{os.getpid()}")  # this very process: alive

    assert jobs.fetch_due_mailboxes(now=utcnow()) == []
    error = jobs.fetch_mailbox(mailbox.id)["error"]
    assert error.startswith(f"a fetch of this mailbox is already running (process {os.getpid()} on ")
    assert f"flask mail fetch --mailbox {mailbox.id} --take-over" in error


def test_flask_mail_fetch_take_over_runs_despite_a_lease_from_another_host(app, desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Held elsewhere"))
    hold_lease(mailbox, "worker-7.internal:4242")  # another host: whether it lives cannot be known here
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["mail", "fetch", "--mailbox", str(mailbox.id)])
    assert refused.exit_code == 1 and "process 4242 on worker-7.internal" in refused.output
    assert Ticket.of(desk).count() == 0

    taken = runner.invoke(args=["mail", "fetch", "--mailbox", str(mailbox.id), "--take-over"])
    assert taken.exit_code == 0, taken.output
    assert "1 stored, 1 processed, took over the lease of worker-7.internal:4242 (ok)" in taken.output
    assert Ticket.of(desk).count() == 1
