"""In a real browser: a trial buys 3 months for 3 seats through the test checkout with a 3-D Secure
challenge, sees "Active until ...", invites a third agent, is refused a fourth, and buys a fourth seat
mid-period, charged for the days left (R8-R10)."""
import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from helpdesk.billing.models import Invoice
from helpdesk.billing.services import add_months, create_plan
from helpdesk.core.clock import utcnow
from helpdesk.billing.timeline import long_date
from helpdesk.workspaces.models import Workspace
from tests.browser import sign_in
from tests.factories import add_member, make_user, make_workspace


def test_a_trial_buys_three_months_for_three_seats_with_3d_secure_and_fills_its_seats(app, new_page, shots,
                                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "TAX_RATE_BP", 1900)
    monkeypatch.setitem(app.config, "INVOICE_SELLER",
                        "Helpdesk Operations Europe GmbH, Friedrichstraße 123, 10117 Berlin, VAT DE987654321")
    with app.app_context():
        create_plan({"name": "Team", "price_per_seat": 1500, "discount_3": 500, "discount_12": 1000,
                     "trial_seat_limit": 3}, now=utcnow())
        owner = make_user(name="Ola Owner", email="ola@acme.example.com")
        workspace = make_workspace(owner, name="Acme Support Überseeisch Großhandelsgesellschaft mbH & Co. KG")
        add_member(workspace)
    page = new_page(expected_errors=(r"status of 422",))
    page.set_viewport_size({"width": 1366, "height": 850})
    sign_in(page, owner)
    page.get_by_role("link", name="Your plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    expect(page.get_by_text("Your trial ends on")).to_be_visible()
    shots.take(page, "your-plan-trial", phone=True)

    page.get_by_label("3 months").check()
    page.get_by_label("Seats").fill("3")
    page.get_by_label("Address").fill("Hauptstraße 1\n10115 Berlin")
    page.get_by_label("Country code").fill("DE")
    page.get_by_label("VAT id").fill("DE123456789")
    page.get_by_role("button", name="See the total").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the total")
    expect(page.get_by_text("152.62 EUR").first).to_be_visible()
    shots.take(page, "review", phone=True)

    page.get_by_role("button", name="Pay 152.62 EUR by card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test checkout")
    shots.take(page, "checkout", phone=True)
    page.get_by_label("Card number").fill("4000 0027 6000 3184")
    page.get_by_role("button", name="Pay 152.62 EUR").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the payment with your bank")
    shots.take(page, "3d-secure", phone=True)
    page.get_by_role("button", name="Complete authentication").click()

    expect(page.get_by_text(re.compile(r"Thank you: invoice \d+ is paid"))).to_be_visible()
    with app.app_context():
        active_until = long_date(add_months(utcnow(), 3))
    expect(page.get_by_text(f"Active until {active_until}.")).to_be_visible()
    expect(page.get_by_text("Your trial ends on")).to_have_count(0)
    shots.take(page, "your-plan-active", phone=True)

    page.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoice 1")
    expect(page.get_by_text("VAT id: DE123456789")).to_be_visible()
    shots.take(page, "invoice", phone=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to Your plan")).to_be_hidden()
    shots.take(page, "invoice-print")
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email address").fill("third@acme.example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to third@acme.example.com")).to_be_visible()
    page.get_by_label("Email address").fill("fourth@acme.example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("3 seats are paid and all are taken")).to_be_visible()
    expect(page.get_by_role("link", name="Buy more seats on Your plan")).to_be_visible()
    shots.take(page, "members-seats-full", phone=True)

    # 46 days into the period, one more seat costs the days left of it (R10), then the fourth agent fits.
    with app.app_context():
        moved = timedelta(days=46)
        period = Invoice.get(Invoice.number == 1)
        period.period_start, period.period_end = period.period_start - moved, period.period_end - moved
        period.save()
        Workspace.update(paid_until=period.period_end).where(Workspace.id == workspace.id).execute()
        period_days = (period.period_end.date() - period.period_start.date()).days
        days_left = (period.period_end.date() - utcnow().date()).days
    net = round(Decimal(period.net) * days_left / (3 * period_days))
    gross = net + round(Decimal(net) * 19 / 100)
    page.get_by_role("link", name="Buy more seats on Your plan").click()
    page.get_by_label("Seats to add").fill("1")
    page.get_by_role("button", name="See the price of the seats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the total")
    expect(page.get_by_text(f"({days_left} days left of {period_days})")).to_be_visible()
    amount = f"{gross // 100}.{gross % 100:02d} EUR"
    page.get_by_role("button", name=f"Pay {amount} by card").click()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=f"Pay {amount}").click()
    expect(page.get_by_text("Thank you: invoice 2 is paid")).to_be_visible()
    expect(page.get_by_text("3 of 4")).to_be_visible()
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email address").fill("fourth@acme.example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to fourth@acme.example.com")).to_be_visible()
