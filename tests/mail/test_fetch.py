"""Fetching against a real Dovecot (R23, R26): mail in, tickets out, nothing lost or doubled."""
from datetime import timedelta

import pytest

from helpdesk.core import storage
from helpdesk.core.clock import utcnow
from helpdesk.mail import ingest, jobs
from helpdesk.mail import services as mail
from helpdesk.mail.models import InboundEmail, InboundStatus, Mailbox
from helpdesk.tickets.models import Message, Status, Ticket
from helpdesk.workspaces.models import Workspace
from tests.conftest import drain_jobs
from tests.factories import add_dovecot_mailbox, customer_mail, make_workspace, owner_of


def tickets_of(workspace):
    return list(Ticket.of(workspace).order_by(Ticket.number))


def test_r23_fetched_mail_becomes_tickets(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Printer broken"))
    dovecot.deliver(imap_account.email, customer_mail("Invoice missing", sender="bob@other.example"))

    summary = jobs.fetch_mailbox(mailbox.id)

    assert summary["error"] is None and summary["stored"] == 2
    tickets = tickets_of(desk)
    assert [t.subject for t in tickets] == ["Printer broken", "Invoice missing"]
    assert tickets[0].customer.email == "ann@client.example" and tickets[0].customer.name == "Ann Lee"
    assert tickets[0].channel == "email"
    rows = list(InboundEmail.of(desk).order_by(InboundEmail.id))
    assert [r.status for r in rows] == [InboundStatus.PROCESSED] * 2
    assert rows[0].decision == "new ticket: no match"
    assert storage.read(rows[0].raw_key).startswith(b"From: Ann Lee") or b"Printer broken" in storage.read(rows[0].raw_key)
    # Fetching never marks mail as read on the server, and a second run finds nothing new.
    assert jobs.fetch_mailbox(mailbox.id)["stored"] == 0
    assert len(tickets_of(desk)) == 2
    assert Mailbox.get_by_id(mailbox.id).last_uid == rows[-1].uid


def test_r23_a_reply_threads_onto_its_ticket_and_reopens_it(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    first = customer_mail("Printer broken", message_id="<first@client.example>")
    dovecot.deliver(imap_account.email, first)
    jobs.fetch_mailbox(mailbox.id)
    ticket = tickets_of(desk)[0]
    ticket.status = Status.SOLVED
    ticket.save()

    dovecot.deliver(imap_account.email, customer_mail("Re: Printer broken", body="Still broken.",
                                                      In_Reply_To="<first@client.example>",
                                                      References="<first@client.example>"))
    jobs.fetch_mailbox(mailbox.id)

    assert len(tickets_of(desk)) == 1
    ticket = Ticket.get_by_id(ticket.id)
    assert ticket.status == Status.OPEN and ticket.message_count == 2
    row = InboundEmail.of(desk).order_by(InboundEmail.id.desc()).first()
    assert row.decision == f"In-Reply-To matched #{ticket.number}"


def test_r26_killed_between_store_and_process_rerun_makes_one_ticket(desk, dovecot, imap_account, monkeypatch):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Killed job"))

    class Killed(BaseException):
        """Stands for SIGKILL: not an Exception, so nothing on the way catches it."""

    def killed(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(jobs, "process_stored", killed)
    with pytest.raises(Killed):
        jobs.fetch_mailbox(mailbox.id)
    row = InboundEmail.of(desk).get()
    assert row.status == InboundStatus.PENDING  # stored, not processed
    assert tickets_of(desk) == []
    monkeypatch.undo()
    # A real kill leaves the lease behind; the next run after it lapses carries on.
    Mailbox.update(fetch_lease_until=utcnow() + timedelta(minutes=10)).where(Mailbox.id == mailbox.id).execute()
    assert jobs.fetch_mailbox(mailbox.id)["error"].startswith("a fetch of this mailbox is already running")
    jobs.fetch_mailbox(mailbox.id, now=utcnow() + jobs.FETCH_LEASE + timedelta(seconds=1))
    jobs.fetch_mailbox(mailbox.id, now=utcnow() + jobs.FETCH_LEASE + timedelta(minutes=2))

    assert len(tickets_of(desk)) == 1
    assert InboundEmail.of(desk).count() == 1
    assert InboundEmail.of(desk).get().status == InboundStatus.PROCESSED


def test_r26_killed_inside_processing_rolls_back_and_rerun_makes_one_ticket(desk, dovecot, imap_account,
                                                                             monkeypatch):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Half processed"))
    from helpdesk.tickets import services as tickets

    real_open = tickets.open_ticket

    def open_then_die(*args, **kwargs):
        real_open(*args, **kwargs)  # the ticket is written inside the transaction...
        raise KeyboardInterrupt  # ...and the process dies before the commit

    monkeypatch.setattr(ingest.tickets, "open_ticket", open_then_die)
    with pytest.raises(KeyboardInterrupt):
        jobs.fetch_mailbox(mailbox.id)
    assert tickets_of(desk) == []
    monkeypatch.undo()
    jobs.fetch_mailbox(mailbox.id)
    assert len(tickets_of(desk)) == 1


def test_r26_dropped_imap_connection_mid_fetch_loses_nothing(desk, dovecot, imap_account, monkeypatch):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    for n in range(3):
        dovecot.deliver(imap_account.email, customer_mail(f"Message {n}"))
    real_store = jobs.store_inbound
    calls = []

    def store_then_kick(*args, **kwargs):
        result = real_store(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            dovecot.kick(imap_account.email)  # the server drops us after the first message
        return result

    monkeypatch.setattr(jobs, "store_inbound", store_then_kick)
    summary = jobs.fetch_mailbox(mailbox.id)
    assert summary["error"] and "dropped" in summary["error"] or "unreachable" in summary["error"].lower()
    assert len(tickets_of(desk)) == 1
    failed = Mailbox.get_by_id(mailbox.id)
    assert failed.consecutive_failures == 1 and failed.last_fetch_error
    assert failed.next_fetch_at > utcnow()  # backs off

    monkeypatch.undo()
    jobs.fetch_mailbox(mailbox.id)
    assert [t.subject for t in tickets_of(desk)] == ["Message 0", "Message 1", "Message 2"]
    assert Mailbox.get_by_id(mailbox.id).consecutive_failures == 0


def test_r26_same_mail_to_two_mailboxes_of_a_workspace_is_one_ticket(desk, dovecot, imap_account):
    from tests.servers import ImapAccount
    import secrets

    second = ImapAccount(f"cc-{secrets.token_hex(4)}@example.test", secrets.token_urlsafe(12))
    dovecot.add_user(*second)
    first_box = add_dovecot_mailbox(desk, dovecot, imap_account)
    second_box = add_dovecot_mailbox(desk, dovecot, second)
    message = customer_mail("To one, Cc the other", to=imap_account.email, Cc=second.email)
    # Each server adds its own trace headers: the copies differ byte for byte.
    dovecot.deliver(imap_account.email, b"Delivered-To: " + imap_account.email.encode() + b"\r\n" + bytes(message))
    dovecot.deliver(second.email, b"Delivered-To: " + second.email.encode() + b"\r\n" + bytes(message))

    jobs.fetch_mailbox(first_box.id)
    jobs.fetch_mailbox(second_box.id)

    assert len(tickets_of(desk)) == 1
    copy = InboundEmail.of(desk).where(InboundEmail.mailbox == second_box.id).get()
    assert copy.status == InboundStatus.SKIPPED and copy.decision.startswith("skipped: duplicate of message")


def test_r26_a_reused_message_id_with_other_content_is_not_a_duplicate(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Order 1", message_id="<same@shop.example>",
                                                      sender="shop@shop.example"))
    dovecot.deliver(imap_account.email, customer_mail("Order 2", body="Another order", message_id="<same@shop.example>",
                                                      sender="shop@shop.example"))
    jobs.fetch_mailbox(mailbox.id)
    assert InboundEmail.of(desk).where(InboundEmail.status == InboundStatus.PROCESSED).count() == 2


def test_r26_unparseable_mail_is_kept_listed_and_retried(desk, dovecot, imap_account, monkeypatch, client, app):
    from tests.conftest import post, sign_in

    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Broken one"))
    monkeypatch.setattr(ingest, "parse_email", lambda raw: (_ for _ in ()).throw(ValueError("boom")))
    jobs.fetch_mailbox(mailbox.id)
    row = InboundEmail.of(desk).get()
    assert row.status == InboundStatus.FAILED and row.error == "ValueError: boom"
    assert storage.read(row.raw_key)  # the raw bytes are kept
    assert mail.failed_count(desk) == 1

    monkeypatch.undo()
    sign_in(client, owner_of(desk).user)
    page = client.get(f"/w/{desk.slug}/mailboxes/log?status=failed").get_data(as_text=True)
    assert "ValueError: boom" in page and f"Retry message {row.id}" in page
    response = post(client, f"/w/{desk.slug}/mailboxes/log/{row.id}/retry")
    assert response.status_code == 302
    assert InboundEmail.get_by_id(row.id).status == InboundStatus.PROCESSED
    assert len(tickets_of(desk)) == 1


def test_r13_mail_of_a_lapsed_workspace_is_still_fetched(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    Workspace.update(status=Workspace.LAPSED).where(Workspace.id == desk.id).execute()
    dovecot.deliver(imap_account.email, customer_mail("While lapsed"))
    assert jobs.fetch_due_mailboxes() == [mailbox.id]
    drain_jobs()
    assert len(tickets_of(desk)) == 1


def test_r19_mail_of_a_cancelled_workspace_is_not_fetched(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    Workspace.update(status=Workspace.CANCELLED).where(Workspace.id == desk.id).execute()
    dovecot.deliver(imap_account.email, customer_mail("While cancelled"))
    assert jobs.fetch_due_mailboxes() == []
    assert jobs.fetch_mailbox(mailbox.id)["stored"] == 0


def test_fetching_is_bounded_per_run_and_fair_across_workspaces(app, desk, dovecot, imap_account, monkeypatch):
    import secrets

    from tests.servers import ImapAccount

    monkeypatch.setitem(app.config, "MAIL_FETCH_BATCH", 2)
    big = add_dovecot_mailbox(desk, dovecot, imap_account)
    for n in range(5):
        dovecot.deliver(imap_account.email, customer_mail(f"Bulk {n}"))
    other = make_workspace(name="Small")
    small_account = ImapAccount(f"small-{secrets.token_hex(4)}@example.test", secrets.token_urlsafe(12))
    dovecot.add_user(*small_account)
    small = add_dovecot_mailbox(other, dovecot, small_account)
    dovecot.deliver(small_account.email, customer_mail("Small one"))
    now = utcnow()
    monkeypatch.setattr(jobs, "queue", lambda: None)  # on Redis too: no follow-up job, one run is one batch

    order = jobs.fetch_due_mailboxes(now=now)
    drain_jobs()

    assert sorted(order) == sorted([big.id, small.id])
    assert len(tickets_of(desk)) == 2  # one bounded batch
    assert len(tickets_of(other)) == 1  # the small workspace was not starved
    assert Mailbox.get_by_id(big.id).next_fetch_at == now  # more waiting: due again at once
    assert Mailbox.get_by_id(small.id).next_fetch_at == now + timedelta(seconds=60)
    for _ in range(2):
        jobs.fetch_due_mailboxes(now=now)
        drain_jobs()
    assert len(tickets_of(desk)) == 5


def test_a_failing_server_does_not_block_the_others(app, desk, dovecot, imap_account, monkeypatch):
    from tests.servers import free_port

    monkeypatch.setitem(app.config, "MAIL_SOCKET_TIMEOUT", 2)
    dead = add_dovecot_mailbox(desk, dovecot, imap_account, address="dead@acme.example", imap_port=free_port())
    alive = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Still arrives"))
    jobs.fetch_due_mailboxes()
    drain_jobs()
    assert [t.subject for t in tickets_of(desk)] == ["Still arrives"]
    dead = Mailbox.get_by_id(dead.id)
    assert "refused" in dead.last_fetch_error and dead.consecutive_failures == 1
    assert alive.id != dead.id


def test_first_fetch_starts_with_recent_mail_only(app, desk, dovecot, imap_account, monkeypatch):
    dovecot.deliver(imap_account.email, customer_mail("Old but unseen"))
    monkeypatch.setitem(app.config, "MAIL_IMPORT_DAYS", 0)
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    jobs.fetch_mailbox(mailbox.id)
    assert tickets_of(desk) == []  # mail already there when the mailbox was added is left alone
    dovecot.deliver(imap_account.email, customer_mail("New"))
    jobs.fetch_mailbox(mailbox.id)
    assert [t.subject for t in tickets_of(desk)] == ["New"]


def test_r25_removing_a_mailbox_stops_its_fetch_at_once(desk, dovecot, imap_account, monkeypatch):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    for n in range(3):
        dovecot.deliver(imap_account.email, customer_mail(f"Message {n}"))
    real_process = jobs.process_stored

    def process_then_remove(row, now, raw):
        result = real_process(row, now=now, raw=raw)
        if Mailbox.select().where(Mailbox.id == mailbox.id).exists():
            mail.remove_mailbox(desk, owner_of(desk), mailbox.id, now=now)
        return result

    monkeypatch.setattr(jobs, "process_stored", process_then_remove)
    summary = jobs.fetch_mailbox(mailbox.id)
    assert summary["error"] == "the mailbox was removed"
    assert len(tickets_of(desk)) == 1  # its tickets stay; nothing more was fetched
    row = InboundEmail.of(desk).get()
    assert row.mailbox_id is None and row.status == InboundStatus.PROCESSED


def test_r27_auto_replies_and_bounces_are_stored_and_skipped(desk, dovecot, imap_account):
    mailbox = add_dovecot_mailbox(desk, dovecot, imap_account)
    dovecot.deliver(imap_account.email, customer_mail("Out of office", Auto_Submitted="auto-replied"))
    dovecot.deliver(imap_account.email, customer_mail("Undelivered Mail Returned to Sender",
                                                      sender="MAILER-DAEMON@mx.client.example"))
    dovecot.deliver(imap_account.email, customer_mail("Weekly news", List_Id="<news.client.example>",
                                                      Precedence="list"))
    dovecot.deliver(imap_account.email, customer_mail("A loop", sender=imap_account.email))
    jobs.fetch_mailbox(mailbox.id)
    assert tickets_of(desk) == []
    decisions = [r.decision for r in InboundEmail.of(desk).order_by(InboundEmail.id)]
    assert decisions == [
        "skipped: auto-reply", "skipped: bounce", "skipped: mailing-list or bulk mail",
        "skipped: sent from one of this workspace's own mailboxes (loop protection)",
    ]
    assert Message.select().count() == 0
