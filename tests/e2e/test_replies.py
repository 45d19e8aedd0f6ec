"""Writing replies in a real browser: the draft survives a reload, `/` inserts a canned reply without losing
text, send then undo then send again; a mention reaches the colleague's notifications menu."""
import re

from playwright.sync_api import expect

from helpdesk.core.clock import utcnow
from helpdesk.tickets import services as tickets
from helpdesk.tickets.drafts import save_draft
from helpdesk.tickets.models import Message
from tests.browser import fits, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_user, make_workspace

HOSTILE = "<script>alert(1)</script> " + "W" * 280 + " مرحبا بالعالم"


def test_draft_canned_undo_and_mention(app, new_page, shots, connect_mailbox, smtp_server):
    workspace = make_workspace(name="Acme")
    connect_mailbox(workspace)
    owner = workspace.membership_set.get().user
    agent = add_member(workspace, make_user(name="Ann Lee", email="ann@acme.example")).user
    colleague = add_member(workspace, make_user(name="Bob Stone", email="bob@acme.example")).user
    customer = make_customer(workspace, email="carla@client.example", name="Carla " + HOSTILE[:60])
    ticket = make_ticket(workspace, customer, subject="Printer jams " + HOSTILE, body="It jams.\n" + HOSTILE)
    tickets.save_canned_reply(workspace, "Roller cleaning", "Hi {{customer.email}}, please clean the roller.")
    tickets.save_canned_reply(workspace, "Refund " + HOSTILE[:80], "We refund within 5 days.")
    save_draft(ticket, colleague.id, body="Bob's half answer", now=utcnow())

    page = new_page()
    sign_in(page, agent)
    page.goto(f"/w/{workspace.slug}/tickets/{ticket.number}")
    expect(page.get_by_text("Bob Stone has a draft")).to_be_visible()
    box = page.get_by_label("Reply to the customer")
    with page.expect_response(re.compile(r"/draft$")):
        box.press_sequentially("Thanks for writing.")
    expect(page.get_by_text(re.compile("Draft saved"))).to_be_visible()
    page.reload()
    expect(page.get_by_label("Reply to the customer")).to_have_value("Thanks for writing.")
    page.set_viewport_size({"width": 1366, "height": 850})
    shots.take(page, "ticket-with-draft", phone=True)

    box = page.get_by_label("Reply to the customer")
    box.press("End")
    box.press("Enter")
    box.press_sequentially("/rol")
    menu = page.get_by_role("listbox", name="Canned replies")
    expect(menu.get_by_role("option", name=re.compile("Roller cleaning"))).to_be_visible()
    shots.take(page, "slash-menu", phone=True)
    box.press("Enter")
    expect(box).to_have_value("Thanks for writing.\nHi carla@client.example, please clean the roller.")
    with page.expect_response(re.compile(r"/draft$")):
        box.press_sequentially(" Regards")

    page.get_by_role("button", name=re.compile("Send reply to carla@client.example")).click()
    expect(page.get_by_text("Sending to carla@client.example in 10 seconds.")).to_be_visible()
    page.get_by_role("button", name="Undo send").click()
    expect(page.get_by_text(re.compile("Your reply is back in the reply box"))).to_be_visible()
    expect(page.get_by_label("Reply to the customer")).to_have_value(
        "Thanks for writing.\nHi carla@client.example, please clean the roller. Regards")
    assert not Message.select().where(Message.kind == Message.REPLY).exists()
    page.get_by_role("button", name=re.compile("Send reply to carla@client.example")).click()
    expect(page.get_by_role("button", name="Undo send")).to_be_visible()
    assert Message.select().where(Message.kind == Message.REPLY).count() == 1
    assert smtp_server.messages == []  # held: the sweep sends it after the delay (tests/tickets/test_sending.py)

    note = page.get_by_label("Internal note")
    note.press_sequentially("Please check @Bo")
    mentions = page.get_by_role("listbox", name="Members to mention")
    expect(mentions.get_by_role("option", name="Bob Stone")).to_be_visible()
    note.press("Enter")
    expect(note).to_have_value("Please check @Bob Stone ")
    note.press_sequentially("the tray " + HOSTILE[:40])
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()

    other = new_page()
    sign_in(other, colleague)
    other.goto(f"/w/{workspace.slug}/tickets/")
    other.set_viewport_size({"width": 1366, "height": 850})
    summary = other.locator("#notifications-menu summary")
    expect(summary).to_contain_text("1")
    summary.click()
    item = other.get_by_role("button", name=re.compile("Ann Lee mentioned you"))
    expect(item).to_be_visible()
    shots.take(other, "notifications-menu")
    assert fits(other)
    other.set_viewport_size({"width": 390, "height": 844})
    shots.take(other, "notifications-menu-phone")
    assert fits(other)
    item.click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("Printer jams")
    expect(other.locator("#notifications-menu summary .count")).to_have_count(0)
