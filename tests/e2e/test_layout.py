"""Layout and feedback in a real browser: no user content widens a page, htmx requests show
that they run and how they failed, canned replies keep what the agent typed."""
import re

import pytest
from playwright.sync_api import expect

from helpdesk.core.clock import utcnow
from helpdesk.tickets import services as tickets
from tests.browser import sign_in
from tests.factories import add_member, make_customer, make_ticket, make_workspace

LONG_TOKEN = "x" * 280
LONG_TAG = "t" * 64
LONG_CANNED_TITLE = "c" * 75
SIZES = {"laptop": {"width": 1366, "height": 850}, "phone": {"width": 390, "height": 844}}


def _long_content():
    workspace = make_workspace(name="W" * 60)
    owner = workspace.membership_set.get().user
    customer = make_customer(workspace, email=("e" * 60) + "@" + ("d" * 60) + ".example", name="N" * 120)
    ticket = make_ticket(workspace, customer, subject=LONG_TOKEN, body="b" * 400)
    make_ticket(workspace, subject="Printer jams " + "y" * 100)
    tickets.set_tags(ticket, owner, [LONG_TAG], now=utcnow())
    tickets.save_canned_reply(workspace, LONG_CANNED_TITLE, "Hello {{customer.name}}")
    return owner, ticket


def _open_ticket(page, user, ticket):
    sign_in(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("All open")
    page.goto(f"/w/{ticket.workspace.slug}/tickets/{ticket.number}")


def _assert_fits(page):
    page.wait_for_load_state()  # the stylesheet applied
    widths = page.evaluate("""() => {
        const main = document.querySelector("main");
        return {page: document.documentElement.scrollWidth, window: window.innerWidth,
                main: main.scrollWidth, mainBox: main.clientWidth};
    }""")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().width))""")
    assert widths["page"] <= widths["window"], (widths, wide)
    assert widths["main"] <= widths["mainBox"], widths


@pytest.mark.parametrize("size", SIZES)
def test_long_subject_tag_canned_title_and_customer_do_not_widen_the_pages(app, new_page, shots, size):
    owner, ticket = _long_content()
    page = new_page()
    page.set_viewport_size(SIZES[size])
    sign_in(page, owner)
    expect(page.get_by_role("heading", level=1)).to_have_text("All open")
    _assert_fits(page)
    shots.take(page, f"inbox-{size}")

    page.goto(f"/w/{ticket.workspace.slug}/tickets/{ticket.number}")
    expect(page.get_by_label("Canned reply")).to_be_visible()
    _assert_fits(page)
    shots.take(page, f"ticket-{size}")

    if size == "phone":  # the header's links are behind its menu there
        page.locator("details.main-menu > summary").click()
    page.get_by_role("link", name="Customers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    _assert_fits(page)
    page.get_by_role("link", name="N" * 120).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("N" * 120)
    shots.take(page, f"customer-{size}")
    _assert_fits(page)


def test_inserting_a_canned_reply_keeps_what_the_agent_typed(app, new_page):
    owner, ticket = _long_content()
    page = new_page()
    _open_ticket(page, owner, ticket)
    reply = page.get_by_label("Reply to the customer")
    reply.fill("Thanks for writing.\n\nBest, Ann")
    reply.evaluate("el => el.setSelectionRange(20, 20)")  # the cursor on the empty line
    page.get_by_role("button", name="Insert canned reply").click()
    expect(reply).to_have_value("Thanks for writing.\nHello " + "N" * 120 + "\nBest, Ann")
    assert "canned=" not in page.url  # inserted in place, the page was not reloaded


def _sidebar_change_fails(page, fail):
    page.route(re.compile(r"/properties$"), fail)
    page.get_by_label("Priority").select_option("high")


@pytest.mark.parametrize("failure", ["server error", "dropped connection", "expired session"])
def test_failed_in_place_change_says_so_and_clears_saved(app, new_page, shots, failure):
    owner, ticket = _long_content()
    # Chromium logs the failed request, htmx logs its error events: both are what this test provokes.
    page = new_page(expected_errors=(r"status of (400|500)", r"Response Status Error Code (400|500)",
                                     r"ERR_CONNECTION_RESET", r"^htmx:(afterRequest|sendError)"))
    _open_ticket(page, owner, ticket)
    sidebar = page.locator("#ticket-sidebar")
    # Watch for the running indicator: it may come and go between two polls of a test.
    page.evaluate("""() => { window.sawBusy = false; new MutationObserver(() => {
        if (document.querySelector('form[aria-busy=true] .htmx-status:not(:empty)')) window.sawBusy = true;
    }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true}); }""")
    with page.expect_response(re.compile(r"/properties$")):
        page.get_by_label("Status", exact=True).select_option("pending")
    expect(sidebar.get_by_text("Saved.")).to_be_visible()
    assert page.evaluate("window.sawBusy")
    # htmx listens on the swapped-in form once it has settled; a change before that sends nothing
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-swapping, .htmx-added')")
    page.wait_for_timeout(100)

    if failure == "server error":
        _sidebar_change_fails(page, lambda route: route.fulfill(status=500, body="boom"))
        message = "The server could not do this"
    elif failure == "dropped connection":
        _sidebar_change_fails(page, lambda route: route.abort("connectionreset"))
        message = "No answer from the server"
    else:
        page.context.clear_cookies()
        _sidebar_change_fails(page, lambda route: route.continue_())
        message = "You were signed out"
    alert = sidebar.get_by_role("alert")
    expect(alert).to_contain_text(message)
    expect(sidebar.get_by_text("Saved.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)  # no sign-in page swapped in
    sidebar.screenshot(path=str(shots.folder / f"failed-{failure.replace(' ', '-')}.png"))

    if failure == "server error":  # the next request that works takes the error away
        page.unroute(re.compile(r"/properties$"))
        with page.expect_response(re.compile(r"/properties$")):
            page.get_by_label("Priority").select_option("urgent")
        expect(sidebar.get_by_text("Saved.")).to_be_visible()
        expect(sidebar.get_by_role("alert")).to_have_count(0)


def test_an_element_that_replaces_itself_leaves_no_running_indicator(app, new_page):
    owner, ticket = _long_content()
    page = new_page()
    _open_ticket(page, owner, ticket)
    # A saved change makes the timeline reload itself (hx-swap="outerHTML" on its own element).
    with page.expect_response(lambda response: response.request.method == "GET"
                              and response.url.endswith(f"/tickets/{ticket.number}")):
        page.get_by_label("Status", exact=True).select_option("pending")
    expect(page.locator("#timeline")).to_contain_text("changed the status")
    expect(page.get_by_text("Working…")).to_have_count(0)
    expect(page.locator(".htmx-status, [aria-busy]")).to_have_count(0)


def test_test_connection_on_an_invalid_form_shows_the_errors_in_place(app, new_page):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    page = new_page(expected_errors=(r"status of 422",))  # the refusal is the point
    sign_in(page, owner)
    page.get_by_role("link", name="Mailboxes").click()
    page.get_by_role("link", name="Add a mailbox with IMAP and SMTP").click()
    page.get_by_label("Email address").fill("not an address")
    with page.expect_response(re.compile(r"/test$")) as response:
        page.get_by_role("button", name="Test connection").click()
    assert response.value.status == 422
    expect(page.locator("#mailbox-form .error").first).to_be_visible()
    expect(page.locator("#mailbox-form")).to_have_count(1)  # swapped in place, not nested
    expect(page.get_by_label("Email address")).to_have_value("not an address")


def test_workspace_switcher_on_a_phone_leaves_sign_out_usable_and_closes(app, new_page):
    owner, ticket = _long_content()
    page = new_page()
    page.set_viewport_size(SIZES["phone"])
    _open_ticket(page, owner, ticket)
    page.locator("details.main-menu > summary").click()  # the header's menu, folded on a phone
    switcher = page.locator("details.switcher")
    switcher.locator("summary").click()
    expect(page.get_by_role("link", name="New workspace…")).to_be_visible()
    # trial=True: only the checks a real click makes, among them that nothing covers the button
    page.get_by_role("button", name=re.compile("Sign out")).click(trial=True, timeout=2000)
    page.get_by_role("heading", level=1).click()
    expect(switcher).not_to_have_attribute("open", "")
    switcher.locator("summary").click()
    page.keyboard.press("Escape")
    expect(switcher).not_to_have_attribute("open", "")


def _luminance(rgb):
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one, other):
    high, low = sorted([_luminance(one), _luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_focus_ring_contrasts_3_to_1_with_page_and_cards(app, new_page):
    owner, ticket = _long_content()
    page = new_page()
    _open_ticket(page, owner, ticket)
    reply = page.get_by_label("Reply to the customer")
    reply.focus()
    style = reply.evaluate("""el => { const s = getComputedStyle(el);
        return {color: s.outlineColor, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                page: getComputedStyle(document.body).backgroundColor,
                card: getComputedStyle(el.closest('.composer')).backgroundColor}; }""")
    rgb = lambda text: [int(v) for v in re.findall(r"[\d.]+", text)[:3]]  # noqa: E731
    assert "rgba" not in style["color"]  # a see-through ring takes its contrast from what is behind it
    assert style["style"] == "solid" and style["width"] >= 2
    for background in (style["page"], style["card"]):
        assert _contrast(rgb(style["color"]), rgb(background)) >= 3, style


def test_attachment_shows_an_svg_clip_and_times_the_server_format(app, new_page):
    from helpdesk.tickets.views import Upload

    owner, ticket = _long_content()
    with app.app_context():  # storage reads its folder from the app
        tickets.add_note(ticket, owner, "See the log.", now=utcnow(), attachments=[Upload("log.txt", "text/plain", b"hi")])
    page = new_page()
    _open_ticket(page, owner, ticket)
    item = page.locator("ul.attachments li")
    expect(item.locator("svg")).to_be_visible()
    assert item.evaluate("el => getComputedStyle(el, '::before').content") == "none"  # no emoji glyph
    # Shown as rendered on the server (no script rewrites it into a second format).
    expect(page.locator(".timeline time").first).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC$"))


def test_files_over_the_limit_are_refused_before_sending_and_the_reply_stays(app, new_page):
    owner, ticket = _long_content()
    previous, app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_CONTENT_LENGTH"], 1024 * 1024
    try:
        page = new_page()
        _open_ticket(page, owner, ticket)
        expect(page.get_by_text("Up to 1 MB in all.").first).to_be_visible()
        page.get_by_label("Reply to the customer").fill("The log is attached.")
        page.get_by_label("Attach files", exact=True).set_input_files(
            files=[{"name": "big.log", "mimeType": "text/plain", "buffer": b"x" * (2 * 1024 * 1024)}])
        requests = []
        page.on("request", lambda request: request.method == "POST" and "/reply" in request.url and requests.append(1))
        page.get_by_role("button", name=re.compile("Send reply")).click()
        expect(page.locator("#reply-form").get_by_role("alert")).to_contain_text("larger than the limit")
        expect(page.get_by_label("Reply to the customer")).to_have_value("The log is attached.")
        assert requests == []
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous


def test_too_large_upload_without_js_lands_on_the_workspace_layout(app, browser, live_server):
    owner, ticket = _long_content()
    previous, app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_CONTENT_LENGTH"], 1024 * 1024
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    try:
        page = context.new_page()
        _open_ticket(page, owner, ticket)
        page.get_by_label("Reply to the customer").fill("The log is attached.")
        page.get_by_label("Attach files", exact=True).set_input_files(
            files=[{"name": "big.log", "mimeType": "text/plain", "buffer": b"x" * (2 * 1024 * 1024)}])
        page.get_by_role("button", name=re.compile("Send reply")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Upload too large")
        expect(page.get_by_text("larger than 1 MB")).to_be_visible()
        expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    finally:
        context.close()
        app.config["MAX_CONTENT_LENGTH"] = previous


def test_presence_is_asked_every_10_seconds_not_in_a_loop(app, new_page):
    owner, ticket = _long_content()
    colleague = add_member(ticket.workspace).user
    tickets.record_presence(ticket, colleague.id, replying=True, now=utcnow())
    page = new_page()
    _open_ticket(page, owner, ticket)
    expect(page.locator("#presence")).to_contain_text(f"{colleague.name} is replying")
    asked = []
    page.on("request", lambda request: "/presence" in request.url and asked.append(request))
    page.wait_for_timeout(3000)
    assert len(asked) <= 1  # it was 82 in 3 s: every answer's "load" asked again at once
