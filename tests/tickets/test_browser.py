"""Agent pages in a real browser (Chromium): inbox sort, in-place changes, search by number, customer search.
"""
import re

from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import make_customer, make_ticket, make_workspace


def subjects(page):
    return page.locator("#ticket-list a.subject").all_inner_texts()


def test_choosing_a_sort_applies_it_at_once_and_back_returns_to_the_previous_order(app, new_page):
    workspace = make_workspace(name="Acme")
    for n in range(1, 4):
        make_ticket(workspace, subject=f"Question {n}")
    page = new_page()
    sign_in(page, workspace.membership_set.get().user)
    expect(page.locator("#ticket-list a.subject").first).to_have_text("#3 Question 3")
    page.wait_for_load_state("load")  # htmx (a deferred script) wires the select up once the page has loaded

    page.get_by_label("Sort").select_option("oldest")  # one action, no button to press

    expect(page.locator("#ticket-list a.subject").first).to_have_text("#1 Question 1")
    assert "sort=oldest" in page.url
    assert page.get_by_role("button", name="Apply sort").count() == 0  # only without JS
    page.go_back()
    expect(page.locator("#ticket-list a.subject").first).to_have_text("#3 Question 3")


def test_the_timeline_shows_an_in_place_change_without_a_reload(app, new_page):
    workspace = make_workspace(name="Acme")
    ticket = make_ticket(workspace, subject="Printer jams")
    page = new_page()
    sign_in(page, workspace.membership_set.get().user)
    page.goto(f"/w/{workspace.slug}/tickets/{ticket.number}")

    with page.expect_response(re.compile(r"/properties$")):
        page.get_by_label("Status", exact=True).select_option("pending")

    expect(page.locator(".timeline").get_by_text("changed the status from Open to Pending")).to_be_visible()
    expect(page.locator("#ticket-sidebar").get_by_text("changed the status from Open to Pending")).to_be_visible()


def test_searching_hash_number_opens_the_ticket(app, new_page):
    workspace = make_workspace(name="Acme")
    make_ticket(workspace, subject="First")
    make_ticket(workspace, subject="Second")
    page = new_page()
    sign_in(page, workspace.membership_set.get().user)
    page.get_by_label("Search tickets").fill("#1")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("#1 First")


def test_customer_search_updates_the_url_and_back_shows_the_earlier_list(app, new_page):
    workspace = make_workspace(name="Acme")
    make_customer(workspace, email="ann@a.example", name="Ann Archer")
    make_customer(workspace, email="bob@b.example", name="Bob Baker")
    page = new_page()
    sign_in(page, workspace.membership_set.get().user)
    page.goto(f"/w/{workspace.slug}/customers/")
    rows = page.locator("#customer-list tbody tr")
    expect(rows).to_have_count(2)

    page.get_by_label("Search by name or email").fill("bak")

    expect(rows).to_have_count(1)
    expect(page).to_have_url(f"{page.url.split('/w/')[0]}/w/{workspace.slug}/customers/?q=bak")
    page.go_back()
    expect(rows).to_have_count(2)
    assert page.url.endswith("/customers/")
