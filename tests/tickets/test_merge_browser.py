"""In Chromium: an agent merges two tickets of one customer; the account, settings, customer and
organization pages and the merge dialog at 1366x850 and 390x844 with hostile data (screenshots)."""
from playwright.sync_api import expect

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.customers import addresses, organizations
from helpdesk.workspaces.models import Workspace
from tests.browser import fits, sign_in
from tests.factories import make_customer, make_ticket, make_workspace, owner_of

LONG_WORD = "Unbreakable" * 26  # 286 characters without a space
HOSTILE = f"<script>window.__xss = 1</script> {LONG_WORD} שלום עולם"
LAPTOP, PHONE = {"width": 1366, "height": 850}, {"width": 390, "height": 844}


def _both_widths(page, shots, name):
    """Screenshots at laptop and phone width; neither may scroll sideways."""
    page.set_viewport_size(LAPTOP)
    assert fits(page), f"{name} is wider than 1366 px"
    shots.take(page, name, phone=True)
    page.set_viewport_size(PHONE)
    assert fits(page), f"{name} is wider than 390 px"
    page.set_viewport_size(LAPTOP)


def test_an_agent_merges_two_tickets_and_the_pages_fit_with_hostile_data(app, new_page, shots):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    User.update(name=f"Ann {LONG_WORD}"[:User.name.max_length]).where(User.id == owner.id).execute()
    Workspace.update(business_name=HOSTILE[:200], business_address=HOSTILE).where(Workspace.id == workspace.id).execute()
    carla = make_customer(workspace, email="carla@client.example", name=HOSTILE)
    addresses.add_email(carla, f"{'c' * 60}@{'home' * 20}.example", now=utcnow())
    org = organizations.save_organization(workspace, None, None, name=HOSTILE, domain="client.example", now=utcnow())
    kept = make_ticket(workspace, carla, subject=f"Printer {HOSTILE}", body="It jams on page 2.")
    merged = make_ticket(workspace, carla, subject="Still jamming", body=f"Zebra stripes {LONG_WORD}")

    page = new_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, owner)
    page.goto("/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    _both_widths(page, shots, "my-account")
    page.goto(f"/w/{workspace.slug}/settings")
    _both_widths(page, shots, "workspace-settings")
    page.goto(f"/w/{workspace.slug}/customers/{carla.id}")
    _both_widths(page, shots, "customer")
    page.goto(f"/w/{workspace.slug}/customers/organizations/{org.id}")
    _both_widths(page, shots, "organization")
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>window.__xss = 1</script>")  # shown as text
    assert page.evaluate("window.__xss") is None

    page.goto(f"/w/{workspace.slug}/tickets/{merged.number}")
    page.get_by_role("link", name="Merge into another ticket…").click()
    page.get_by_label(f"#{kept.number} Printer").check()
    _both_widths(page, shots, "merge-choose")
    page.get_by_role("button", name="Review the merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Merge #{merged.number} into #{kept.number}?")
    _both_widths(page, shots, "merge-confirm")
    page.get_by_role("button", name=f"Merge #{merged.number} into #{kept.number}").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{kept.number} Printer")
    expect(page.locator(".timeline").get_by_text("Zebra stripes")).to_be_visible()
    expect(page.locator(".timeline").get_by_text(f"merged #{merged.number} (Still jamming) into this ticket")).to_be_visible()
    page.goto(f"/w/{workspace.slug}/tickets/{merged.number}")  # the merged ticket's address leads on
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{kept.number} Printer")
    _both_widths(page, shots, "merged-ticket")
