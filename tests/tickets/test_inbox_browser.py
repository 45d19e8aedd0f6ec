"""The inbox in Chromium: worked by keyboard alone, snooze and its return, the bulk toolbar, layout at both widths."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from helpdesk.core.clock import utcnow
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Status, Ticket
from helpdesk.tickets.snooze import wake_due_tickets
from tests.browser import fits, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_workspace, owner_of

LONG_WORD = "Supercalifragilistic" * 14  # 280 characters, no space


def arrived(page, heading):
    """On the page titled `heading`, its deferred scripts (the shortcuts) run."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_load_state("load")


def test_an_agent_works_the_inbox_by_keyboard_alone(app, new_page):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    for n in range(1, 4):
        make_ticket(workspace, subject=f"Question {n}")
    page = new_page()
    sign_in(page, owner)
    arrived(page, "All open")

    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_contain_text("Assign to me")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("tr.current a.subject")).to_have_text("#3 Question 3")
    page.keyboard.press("j")
    expect(page.locator("tr.current a.subject")).to_have_text("#2 Question 2")
    page.keyboard.press("o")
    arrived(page, "#2 Question 2")

    with page.expect_response(re.compile(r"/properties$")):
        page.keyboard.press("a")  # assign to me, saved in place
    expect(page.get_by_label("Assignee", exact=True)).to_have_value(str(owner.id))

    page.keyboard.press("r")
    expect(page.get_by_label("Reply to the customer")).to_be_focused()
    page.keyboard.type("e and j are letters here")  # never a shortcut while typing
    expect(page.get_by_label("Reply to the customer")).to_have_value("e and j are letters here")
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("i")
    arrived(page, "All open")

    page.keyboard.press("j")
    page.keyboard.press("e")  # close the current ticket: no question, an Undo
    expect(page.get_by_role("status").filter(has_text="1 ticket closed.")).to_be_visible()
    assert Ticket.get(Ticket.number == 3).status == Status.CLOSED
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("1 ticket has its previous status again.")).to_be_visible()
    # The text shows before the new page's deferred scripts run (each page revalidates them: 304s), and a
    # key pressed meanwhile reaches no shortcut handler: wait for them, as `arrived` does.
    page.wait_for_load_state("load")
    assert Ticket.get(Ticket.number == 3).status == Status.OPEN

    page.keyboard.press("/")
    expect(page.get_by_label("Search tickets")).to_be_focused()


def test_the_bulk_toolbar_appears_with_a_selection_and_undo_lasts_ten_seconds(app, new_page):
    workspace = make_workspace(name="Acme")
    for n in range(1, 5):
        make_ticket(workspace, subject=f"Question {n}")
    page = new_page()
    page.clock.install()
    sign_in(page, owner_of(workspace).user)
    toolbar = page.get_by_role("group", name="With the selected tickets")
    expect(toolbar).to_be_hidden()
    page.get_by_label("Select ticket #1").check()
    page.get_by_label("Select ticket #2").check()
    expect(toolbar).to_contain_text("2 selected")
    page.get_by_label("Select all tickets on this page").check()
    expect(toolbar).to_contain_text("4 selected")
    page.get_by_role("button", name="Close selected").click()
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    page.clock.run_for(10_500)
    expect(undo).to_have_count(0)


def test_a_snoozed_ticket_comes_back_when_the_clock_moves(app, new_page):
    workspace = make_workspace(name="Acme")
    make_ticket(workspace, subject="Waiting for the courier")
    make_ticket(workspace, subject="Something else")
    page = new_page()
    sign_in(page, owner_of(workspace).user)
    page.get_by_role("link", name="#1 Waiting for the courier").click()
    arrived(page, "#1 Waiting for the courier")
    page.keyboard.press("s")
    expect(page.get_by_label("Snooze until")).to_be_focused()
    page.get_by_label("Snooze until").select_option("tomorrow")
    page.get_by_role("button", name="Snooze ticket").click()
    expect(page.get_by_text("Ticket #1 snoozed.")).to_be_visible()
    expect(page.locator("#ticket-list")).not_to_contain_text("Waiting for the courier")
    page.get_by_role("link", name=re.compile("^Snoozed")).click()
    expect(page.locator("#ticket-list")).to_contain_text("Waiting for the courier")

    wake_due_tickets(utcnow() + timedelta(days=8))  # the periodic job, a week later
    page.get_by_role("link", name=re.compile("^All open")).click()
    row = page.locator("tr", has_text="Waiting for the courier")
    expect(row).to_contain_text("Back from snooze")


def _hostile_inbox(workspace):
    owner = owner_of(workspace).user
    agent = add_member(workspace).user
    agent.name = ("Agent " + LONG_WORD)[:120]  # the longest name the form takes
    agent.save()
    customers = [make_customer(workspace, email=f"{LONG_WORD[:60]}@client.example", name=LONG_WORD),
                 make_customer(workspace, email="rtl@client.example", name="مرحبا بالعالم <script>alert(1)</script>"),
                 make_customer(workspace, email="empty@client.example", name="")]
    made = []
    for n in range(30):
        customer = customers[n % 3]
        subject = [LONG_WORD, "<script>alert('x')</script> fails", "طابعة لا تعمل Printer is not printing", ""][n % 4]
        body = [LONG_WORD + " " + LONG_WORD, "مرحبا " * 40, "short", "<img src=x onerror=alert(1)>"][n % 4]
        made.append(make_ticket(workspace, customer, subject=subject or None, body=body,
                                now=utcnow() - timedelta(minutes=37 * n)))
    now = utcnow()
    tickets.set_tags(made[0], owner, [LONG_WORD[:64], "vip"], now=now)
    tickets.assign(made[1], owner, agent.id, now=now)
    tickets.change_priority(made[2], owner, "urgent", now=now)
    return made


def test_inbox_and_ticket_page_at_laptop_and_phone_width_with_hostile_data(app, app_context, new_page, shots):
    workspace = make_workspace(name=("Acme " + LONG_WORD)[:120])  # the longest name the form takes
    made = _hostile_inbox(workspace)
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 850})
    sign_in(page, owner_of(workspace).user)
    rows = page.locator("#ticket-list tbody tr")
    expect(rows).to_have_count(25)
    above_fold = page.evaluate("Array.from(document.querySelectorAll('#ticket-list tbody tr'))"
                               ".filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length")
    assert above_fold >= 12, above_fold
    assert fits(page)
    header = page.get_by_role("navigation", name="Main")
    links = header.get_by_role("link").all()
    assert len({round(link.bounding_box()["y"]) for link in links if link.is_visible()}) == 1  # one line
    assert page.locator("tbody tr").first.locator("time").get_attribute("title")  # the exact time on hover
    shots.take(page, "inbox-laptop")
    page.get_by_label("Select ticket #30").check()
    shots.take(page, "inbox-laptop-selected")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert fits(page)
    expect(page.get_by_role("navigation", name="Ticket views")).to_be_hidden()  # behind the menu
    expect(page.get_by_role("link", name="Customers")).to_be_hidden()  # the main menu is folded too
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Customers")).to_be_visible()
    assert fits(page)  # the open menu too, with the long workspace name
    shots.take(page, "inbox-phone-menu")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_text("Views", exact=True).click()
    expect(page.get_by_role("navigation", name="Ticket views")).to_be_visible()
    page.get_by_text("Views", exact=True).click()
    first_row = page.locator("#ticket-list tbody tr").first.bounding_box()
    assert first_row["height"] < 80, first_row  # a two-line card
    shots.take(page, "inbox-phone")

    page.goto(f"/w/{workspace.slug}/tickets/{made[0].number}")
    page.get_by_role("button", name="Watch this ticket").click()
    expect(page.get_by_role("button", name="Stop watching")).to_be_visible()
    shots.take(page, "ticket-phone")
    assert fits(page)
    for label in ("Status", "Assignee", "Reply to the customer"):
        box = page.get_by_label(label, exact=True).bounding_box()
        assert box["y"] + min(box["height"], 40) <= 844, (label, box)
    page.set_viewport_size({"width": 1366, "height": 850})
    assert fits(page)
    shots.take(page, "ticket-laptop")


def test_without_js_the_bulk_toolbar_shows_once_a_ticket_is_selected_and_closes_it(app, browser, live_server):
    workspace = make_workspace(name="Acme")
    made = [make_ticket(workspace, subject=f"Question {n}") for n in range(1, 4)]
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    try:
        page = context.new_page()
        sign_in(page, owner_of(workspace).user)
        expect(page.get_by_role("heading", level=1)).to_have_text("All open")
        close = page.get_by_role("button", name="Close selected")
        expect(close).to_be_hidden()  # nothing selected: no toolbar, from the first paint
        page.get_by_label("Select ticket #2").check()
        expect(close).to_be_visible()
        close.click()
        expect(page.locator("#ticket-list")).not_to_contain_text("Question 2")
        assert Ticket.get_by_id(made[1].id).status == Status.CLOSED
        assert Ticket.get_by_id(made[0].id).status == Status.OPEN
    finally:
        context.close()
