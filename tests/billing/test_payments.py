"""Buying a period through the test provider's checkout (R8-R10): review, pay, decline, 3-D Secure."""
import re
from datetime import timedelta

from helpdesk.billing.models import Invoice, InvoiceStatus, Subscription
from helpdesk.billing.services import add_months, create_plan
from helpdesk.core.clock import utcnow
from helpdesk.workspaces.models import Workspace
from tests.billing.helpers import reload
from tests.conftest import post, sent_mail, sign_in
from tests.factories import make_user, make_workspace

BUYER = {"buyer_name": "Acme GmbH", "buyer_address": "Hauptstr. 1\n10115 Berlin", "buyer_country": "DE",
         "buyer_vat_id": "DE123456789", "method": "card"}


def setup_trial(app, tax="19"):
    app.config["TAX_RATE_BP"] = int(tax) * 100
    owner = make_user(email="owner@acme.example.com")
    workspace = make_workspace(owner, name="Acme")
    plan = create_plan({"name": "Team", "price_per_seat": 1500, "discount_3": 500, "discount_12": 1000},
                       now=utcnow())
    return owner, workspace, plan


def review(client, workspace, plan, **values):
    return post(client, f"/w/{workspace.slug}/billing/buy", {"plan": plan.id if plan else "999", "months": "3",
                                                              "seats": "3", **BUYER, **values})


def start_checkout(client, workspace, plan, **values):
    """Review, then press Pay with the total seen: the redirect to the checkout page."""
    page = review(client, workspace, plan, **values).get_data(as_text=True)
    gross = re.search(r'name="expected_gross" value="(\d+)"', page).group(1)
    response = review(client, workspace, plan, expected_gross=gross, **values)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_r8_the_review_shows_net_tax_and_gross_before_anything_is_charged(app, client):
    with app.app_context():
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        page = review(client, workspace, plan).get_data(as_text=True)
        # 3 seats x 3 months x 15.00 = 135.00, 5 % off = 128.25 net; 19 % tax = 24.37; 152.62 gross
        assert "128.25 EUR" in page and "24.37 EUR" in page and "152.62 EUR" in page
        assert "Pay 152.62 EUR by card" in page
        assert Invoice.select().count() == 0


def test_r9_paying_through_the_test_checkout_activates_the_workspace_and_emails_a_receipt(app, client):
    with app.app_context():
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        checkout = start_checkout(client, workspace, plan)
        assert "/billing/test-checkout/cs_test_" in checkout
        invoice = Invoice.get()
        assert (invoice.status, invoice.net, invoice.tax, invoice.gross) == ("open", 12825, 2437, 15262)
        assert invoice.buyer_vat_id == "DE123456789" and invoice.buyer_country == "DE"
        page = client.get(checkout).get_data(as_text=True)
        assert "152.62 EUR" in page and "Test payment provider" in page
        paid = post(client, checkout, {"card": "4242 4242 4242 4242"})
        assert paid.status_code == 302 and f"paid={invoice.number}" in paid.headers["Location"]
        workspace = reload(workspace)
        assert workspace.status == Workspace.ACTIVE
        assert workspace.paid_until.date() == add_months(invoice.issued_at, 3).date()
        assert Subscription.of(workspace).get().seats == 3
        assert Invoice.get().status == InvoiceStatus.PAID and Invoice.get().payment_ref.startswith("pi_test_")
        page = client.get(paid.headers["Location"]).get_data(as_text=True)
        assert f"invoice {invoice.number} is paid" in page and "Active until" in page
        receipts = [m for m in sent_mail(app, to="owner@acme.example.com") if "Receipt" in m["Subject"]]
        assert len(receipts) == 1 and "152.62 EUR" in receipts[0].get_body(("plain",)).get_content()


def test_r9_a_declined_card_leaves_the_invoice_open_and_says_why(app, client):
    with app.app_context():
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        checkout = start_checkout(client, workspace, plan)
        response = post(client, checkout, {"card": "4000000000000002"})
        assert response.status_code == 402 and "Your card was declined." in response.get_data(as_text=True)
        assert Invoice.get().status == InvoiceStatus.OPEN and reload(workspace).status == Workspace.TRIAL
        page = client.get(f"/w/{workspace.slug}/billing/").get_data(as_text=True)
        assert "The payment did not go through: Your card was declined. Nothing was charged." in page
        retry = post(client, f"/w/{workspace.slug}/billing/invoices/{Invoice.get().number}/pay")
        assert retry.status_code == 303 and retry.headers["Location"] != checkout
        post(client, retry.headers["Location"], {"card": "4242424242424242"})
        assert reload(workspace).status == Workspace.ACTIVE and Invoice.get().decline_reason == ""


def test_r9_a_3d_secure_challenge_pays_when_completed_and_declines_when_failed(app, client):
    with app.app_context():
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        checkout = start_checkout(client, workspace, plan)
        challenge = post(client, checkout, {"card": "4000002760003184"}).headers["Location"]
        assert "Complete authentication" in client.get(challenge).get_data(as_text=True)
        post(client, challenge, {"answer": "fail"})
        assert "3-D Secure failed" in Invoice.get().decline_reason and reload(workspace).status == Workspace.TRIAL
        challenge = post(client, checkout, {"card": "4000002760003184"}).headers["Location"]
        post(client, challenge, {"answer": "complete"})
        assert reload(workspace).status == Workspace.ACTIVE


def test_r8_a_tampered_form_is_refused_and_nothing_is_charged(app, client):
    with app.app_context():
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        cheap = review(client, workspace, plan, expected_gross="100")
        assert cheap.status_code == 422 and "the form was altered" in cheap.get_data(as_text=True)
        for chosen, values, message in ((plan, {"months": "2"}, "Not a valid choice"),
                                        (plan, {"seats": "0"}, "Number must be"),
                                        (None, {}, "That plan is not on sale"),
                                        (plan, {"seats": "5000"}, "Number must be")):
            response = review(client, workspace, chosen, expected_gross="15262", **values)
            assert response.status_code == 422 and message in response.get_data(as_text=True), values
        assert Invoice.select().count() == 0


def test_r13_a_lapsed_workspace_can_still_pay_and_becomes_active(app, client):
    with app.app_context():
        owner, workspace, plan = setup_trial(app)
        now = utcnow()
        Workspace.update(trial_ends_at=now - timedelta(days=2)).where(Workspace.id == workspace.id).execute()
        from helpdesk.workspaces.services import change_status
        change_status(reload(workspace), Workspace.LAPSED, now=now, since=now - timedelta(days=2), reason="test")
        sign_in(client, owner)
        post(client, start_checkout(client, workspace, plan, months="1", seats="1"), {"card": "4242424242424242"})
        workspace = reload(workspace)
        assert workspace.status == Workspace.ACTIVE and workspace.paid_until > now + timedelta(days=27)


def test_r5_the_invoice_page_shows_seller_buyer_net_tax_and_gross(app, client):
    with app.app_context():
        app.config["INVOICE_SELLER"] = "Helpdesk Ltd, 1 Main St, Dublin, VAT IE1234567X"
        owner, workspace, plan = setup_trial(app)
        sign_in(client, owner)
        start_checkout(client, workspace, plan)
        page = client.get(f"/w/{workspace.slug}/billing/invoices/{Invoice.get().number}").get_data(as_text=True)
        for text in ("Helpdesk Ltd, 1 Main St", "Acme GmbH", "Hauptstr. 1", "VAT id: DE123456789", "128.25 EUR",
                     "24.37 EUR", "152.62 EUR", "Tax (19 %)", "css/invoice.css"):
            assert text in page, text
        other = make_workspace(make_user(), name="Other")
        assert client.get(f"/w/{other.slug}/billing/invoices/{Invoice.get().number}").status_code == 404
