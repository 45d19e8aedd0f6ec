"""Customers: list with search, profile with tickets, edit, merge."""
import pytest

from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Ticket
from tests.conftest import post, sign_in
from tests.factories import make_customer, make_ticket, make_workspace


@pytest.fixture
def desk(client):
    workspace = make_workspace(name="Acme")
    sign_in(client, workspace.membership_set.get().user)
    return workspace


def test_list_and_search(client, desk):
    make_customer(desk, email="ann@a.example", name="Ann Archer")
    make_customer(desk, email="bob@b.example", name="Bob Baker")
    page = client.get(f"/w/{desk.slug}/customers/").get_data(as_text=True)
    assert "Ann Archer" in page and "Bob Baker" in page
    found = client.get(f"/w/{desk.slug}/customers/?q=bak").get_data(as_text=True)
    assert "Bob Baker" in found and "Ann Archer" not in found
    none = client.get(f"/w/{desk.slug}/customers/?q=zed").get_data(as_text=True)
    assert "No customers found" in none


def test_list_pages_by_name(client, desk):
    for n in range(30):
        make_customer(desk, name=f"Client {n:02d}")
    first = client.get(f"/w/{desk.slug}/customers/").get_data(as_text=True)
    assert "Client 24" in first and "Client 25" not in first and "Next page →" in first
    second = client.get(f"/w/{desk.slug}/customers/?after_name=Client+24&after_id=999999").get_data(as_text=True)
    assert "Client 25" in second and "Client 24" not in second


def test_profile_lists_tickets(client, desk):
    customer = make_customer(desk, name="Carla")
    make_ticket(desk, customer, subject="Broken lid")
    page = client.get(f"/w/{desk.slug}/customers/{customer.id}").get_data(as_text=True)
    assert "<h1>Carla</h1>" in page and "Broken lid" in page


def test_edit_refuses_an_email_already_taken(client, desk):
    make_customer(desk, email="taken@x.example")
    customer = make_customer(desk, email="me@x.example", name="Me")
    response = post(client, f"/w/{desk.slug}/customers/{customer.id}/edit",
                    {"name": "Me", "email": "taken@x.example", "phone": "", "notes": ""})
    assert response.status_code == 422 and "Merge the two instead" in response.get_data(as_text=True)
    post(client, f"/w/{desk.slug}/customers/{customer.id}/edit",
         {"name": "Me Myself", "email": "me@x.example", "phone": "123", "notes": "VIP"})
    assert Customer.get_by_id(customer.id).phone == "123"


def test_merge_asks_then_moves_tickets(client, desk):
    keep = make_customer(desk, email="ann@work.example", name="Ann")
    duplicate = make_customer(desk, email="ann@home.example", name="")
    make_ticket(desk, duplicate, subject="From home")
    confirm = post(client, f"/w/{desk.slug}/customers/{keep.id}/merge", {"other_email": "ann@home.example"})
    assert "1 ticket of ann@home.example moves to Ann" in confirm.get_data(as_text=True)
    assert Customer.get_or_none(Customer.id == duplicate.id) is not None
    post(client, f"/w/{desk.slug}/customers/{keep.id}/merge", {"other_email": "ann@home.example", "confirm": "yes"})
    assert Customer.get_or_none(Customer.id == duplicate.id) is None
    assert Ticket.get(Ticket.subject == "From home").customer_id == keep.id


def test_customer_of_another_workspace_is_404(client, desk):
    stranger = make_customer(make_workspace())
    assert client.get(f"/w/{desk.slug}/customers/{stranger.id}").status_code == 404


def test_customer_cannot_be_saved_without_email_or_phone(client, desk):
    customer = make_customer(desk, email="me@x.example", name="Me")
    response = post(client, f"/w/{desk.slug}/customers/{customer.id}/edit",
                    {"name": "Me", "email": "", "phone": "  ", "notes": ""})
    assert response.status_code == 422
    assert "Give at least an email address or a phone number." in response.get_data(as_text=True)
    assert Customer.get_by_id(customer.id).email == "me@x.example"
    post(client, f"/w/{desk.slug}/customers/{customer.id}/edit", {"name": "Me", "email": "", "phone": "123",
                                                                  "notes": ""})
    assert (Customer.get_by_id(customer.id).email, Customer.get_by_id(customer.id).phone) == (None, "123")


def test_back_to_a_pushed_search_url_gets_the_whole_page(client, desk):
    make_customer(desk, email="ann@a.example", name="Ann Archer")
    partial = client.get(f"/w/{desk.slug}/customers/?q=ann", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.lstrip().startswith('<div id="customer-list">')
    restored = client.get(f"/w/{desk.slug}/customers/?q=ann", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"}).get_data(as_text=True)
    assert restored.lstrip().startswith("<!doctype html>") and "Ann Archer" in restored
