"""The agents' suggestion page and a ticket's suggestions panel in Chromium, with hostile data, at laptop and phone width."""
from helpdesk.suggestions.models import Suggestion
from tests.browser import fits, sign_in
from tests.factories import make_customer, make_ticket, make_workspace, owner_of

HOSTILE = "x" * 280 + " <script>alert(1)</script> مرحبا بالعالم"


def test_agent_links_a_ticket_and_marks_done_with_hostile_data(app, new_page, shots):
    with app.app_context():
        workspace = make_workspace()
        owner = owner_of(workspace).user
        suggestion = Suggestion.create(workspace=workspace, title=("Dark " + HOSTILE)[:Suggestion.title.max_length], description_html="<p>Please</p>")
        ticket = make_ticket(workspace, make_customer(workspace, email="cara@client.example"), subject="Dark " + HOSTILE)
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 850})
    sign_in(page, owner)
    page.goto(f"/w/{workspace.slug}/tickets/{ticket.number}")
    page.get_by_label("Find a suggestion").fill("Dark")
    page.get_by_role("button", name="Search suggestions").click()
    page.get_by_role("button", name="Link and add the customer as a voter").click()
    page.wait_for_url(f"**/tickets/{ticket.number}")
    shots.take(page, "ticket-linked", phone=True)
    page.goto(f"/w/{workspace.slug}/suggestions/{suggestion.id}")
    assert page.get_by_role("heading", name="Asked for in 1 ticket").is_visible()
    page.get_by_label("Status", exact=True).select_option("done")
    page.get_by_label("Official reply (shown at the top, emailed to followers)").fill("Shipped " + HOSTILE)
    page.get_by_role("button", name="Save status and reply").click()
    page.wait_for_url(f"**/suggestions/{suggestion.id}")
    assert page.get_by_role("heading", name="Official reply", exact=True).is_visible()
    assert fits(page)
    shots.take(page, "suggestion-done", phone=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
