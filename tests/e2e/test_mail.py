"""An owner connects a mailbox in a real browser; mail in Dovecot becomes a ticket, the reply reaches SMTP and Sent."""
import re

from playwright.sync_api import expect

from helpdesk.mail import jobs
from helpdesk.mail.models import Mailbox
from helpdesk.workspaces.models import Workspace
from tests.conftest import drain_jobs
from tests.browser import sign_in
from tests.factories import customer_mail, make_workspace


def test_owner_connects_a_mailbox_and_answers_mail(app, new_page, shots, dovecot, imap_account, smtp_server):
    workspace = make_workspace(name="Acme")
    Workspace.update(undo_send_seconds=0).where(Workspace.id == workspace.id).execute()  # no undo delay here
    owner = workspace.membership_set.get().user
    page = new_page()
    sign_in(page, owner)

    page.get_by_role("link", name="Mailboxes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mailboxes")
    page.get_by_role("link", name="Add a mailbox with IMAP and SMTP").click()
    page.get_by_label("Email address").fill(imap_account.email)
    page.get_by_label("Sender name (optional)").fill("Acme Support")
    page.get_by_label("IMAP server").fill(dovecot.host)
    page.get_by_label("IMAP port").fill(str(dovecot.port))
    page.get_by_label("IMAP security").select_option(label="None (unencrypted)")
    page.get_by_label("IMAP password").fill("not-the-password")
    page.get_by_label("SMTP server").fill(smtp_server.host)
    page.get_by_label("SMTP port").fill(str(smtp_server.port))
    page.get_by_label("SMTP security").select_option(label="None (unencrypted)")

    # Test connection answers in place (htmx), in plain words, and saves nothing.
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status").filter(has_text="IMAP")).to_contain_text("password")
    shots.take(page, "test-connection-wrong-password", phone=True)
    page.get_by_label("IMAP password").fill(imap_account.password)
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status").filter(has_text="IMAP")).to_contain_text("IMAP: works")
    expect(page.get_by_role("status").filter(has_text="SMTP")).to_contain_text("SMTP: works")
    assert Mailbox.select().count() == 0

    page.get_by_role("button", name="Add mailbox").click()
    expect(page.get_by_role("cell", name=imap_account.email).or_(page.get_by_text(imap_account.email)).first
           ).to_be_visible()
    shots.take(page, "mailboxes", phone=True)

    dovecot.deliver(imap_account.email, customer_mail("Printer broken", body="It jams on every page.\n",
                                                      to=imap_account.email))
    with app.app_context():
        jobs.fetch_due_mailboxes()
        drain_jobs()  # with Redis the fetch is a queued job

    page.get_by_role("link", name="Inbox").first.click()
    page.get_by_role("link", name=re.compile("#1 Printer broken")).click()
    expect(page.get_by_text("It jams on every page.")).to_be_visible()
    page.get_by_label("Reply to the customer").fill("Please clean the roller.")
    page.get_by_role("button", name=re.compile("Send reply to ann@client.example")).click()
    expect(page.get_by_text("Please clean the roller.")).to_be_visible()
    shots.take(page, "ticket-after-reply")
    with app.app_context():
        drain_jobs()  # with Redis the delivery is a queued job

    (received,) = smtp_server.messages
    assert received.message["Subject"] == "Re: Printer broken [#1]"
    assert received.message["In-Reply-To"]
    sent_folder = dovecot.folder_messages(imap_account.email, folder="Sent")
    assert any(b"Please clean the roller." in raw for raw in sent_folder)

    page.get_by_role("link", name="Mailboxes").click()
    page.get_by_role("link", name="Incoming mail log").click()
    expect(page.get_by_text("new ticket: no match")).to_be_visible()
    shots.take(page, "incoming-mail-log", phone=True)
