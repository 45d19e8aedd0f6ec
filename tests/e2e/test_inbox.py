"""An agent works the inbox in a real browser: open, reply, note, assign, close, search."""
import re

from playwright.sync_api import expect

from helpdesk.tickets.models import Message, Status, Ticket
from helpdesk.workspaces.models import Workspace
from tests.browser import sign_in
from tests.conftest import drain_jobs
from tests.factories import DEFAULT_PASSWORD, add_member, make_customer, make_ticket, make_workspace


def test_agent_replies_notes_assigns_closes_and_searches(app, new_page, shots, connect_mailbox, smtp_server):
    workspace = make_workspace(name="Acme")
    connect_mailbox(workspace)
    Workspace.update(undo_send_seconds=0).where(Workspace.id == workspace.id).execute()  # no undo delay here
    owner = workspace.membership_set.get().user
    agent = add_member(workspace).user
    customer = make_customer(workspace, email="carla@client.example", name="Carla Client")
    make_ticket(workspace, subject="Invoice copy", body="Please send my March invoice again.")
    make_ticket(workspace, customer, subject="Printer jams", body="The printer jams on page 2.\n\nCarla")

    page = new_page()
    sign_in(page, agent)
    expect(page.get_by_role("heading", level=1)).to_have_text("All open")
    expect(page.get_by_role("link", name=re.compile("#2 Printer jams"))).to_be_visible()
    shots.take(page, "inbox", phone=True)

    page.get_by_role("link", name=re.compile("#2 Printer jams")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("#2 Printer jams")
    expect(page.get_by_text("The printer jams on page 2.")).to_be_visible()
    shots.take(page, "ticket", phone=True)

    # Assign to the owner in place (htmx): the sidebar updates without reloading.
    with page.expect_response(re.compile(r"/properties$")):
        page.get_by_label("Assignee").select_option(label=owner.name)
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.locator("#ticket-sidebar").get_by_text(f"assigned this to {owner.name}")).to_be_visible()

    page.get_by_label("Internal note").fill("Model HP-2000, known issue.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()

    page.get_by_label("Reply to the customer").fill("Please clean the roller and try again.")
    page.get_by_role("button", name=re.compile("Send reply to carla@client.example")).click()
    expect(page.get_by_text("Reply sent to carla@client.example.")).to_be_visible()
    expect(page.get_by_text("Please clean the roller and try again.")).to_be_visible()
    shots.take(page, "ticket-after-reply")
    with app.app_context():
        drain_jobs()  # with Redis the send is a queued job
    (email,) = smtp_server.messages
    assert email.rcpt_tos == ["carla@client.example"] and email.message["Subject"] == "Re: Printer jams [#2]"

    with page.expect_response(re.compile(r"/properties$")):
        page.get_by_label("Status", exact=True).select_option("closed")
    expect(page.locator("#ticket-sidebar").get_by_text("changed the status from Open to Closed")).to_be_visible()
    ticket = Ticket.get(Ticket.number == 2)
    assert ticket.status == Status.CLOSED and ticket.assignee_id == owner.id
    assert Message.select().where(Message.kind == Message.NOTE).count() == 1

    page.get_by_role("link", name="Inbox").first.click()
    page.get_by_label("Search tickets").fill("roller")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search: roller")
    expect(page.get_by_role("link", name=re.compile("#2 Printer jams"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Invoice copy"))).to_have_count(0)
    shots.take(page, "search")
