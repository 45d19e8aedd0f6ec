"""Several email addresses per customer, organizations by domain with their tickets, other workspaces' ids."""
from datetime import datetime, timedelta

import pytest

from bench.querycount import count_queries
from helpdesk.customers import addresses, organizations
from helpdesk.customers import services as customers
from helpdesk.customers.models import Customer, CustomerEmail, Organization
from helpdesk.helpcenter.models import EndUser
from helpdesk.helpcenter.portal import requests_of
from helpdesk.tickets.models import Ticket
from tests.conftest import post, sign_in
from tests.factories import customer_mail, make_customer, make_ticket, make_workspace, owner_of
from tests.mail.test_ingest import ingest_raw

NOW = datetime(2026, 12, 2, 9, 0)


@pytest.fixture
def acme(app_context):
    return make_workspace(name="Acme")


def test_mail_from_a_further_address_lands_on_the_same_customer(acme):
    carla = make_customer(acme, email="carla@client.example", name="Carla")
    addresses.add_email(carla, "Carla.Home@Mail.example", now=NOW)
    ingest_raw(acme, bytes(customer_mail(subject="From home", sender="Carla <carla.home@mail.example>")))
    ticket = Ticket.of(acme).where(Ticket.subject == "From home").get()
    assert ticket.customer_id == carla.id and Customer.of(acme).count() == 1
    with pytest.raises(addresses.AddressTaken):
        addresses.add_email(make_customer(acme), "carla.home@mail.example", now=NOW)
    with pytest.raises(customers.CustomerError, match="already has the email"):
        other = make_customer(acme)
        customers.update_customer(other, name="", email="carla.home@mail.example", phone="", notes="", now=NOW)


def test_merge_keeps_both_addresses_and_later_mail_from_either_finds_the_kept_customer(acme):
    keep = make_customer(acme, email="carla@client.example")
    duplicate = make_customer(acme, email="carla@old-job.example")
    addresses.add_email(duplicate, "c@home.example", now=NOW)
    customers.merge_customers(acme, None, keep, duplicate, now=NOW)
    assert addresses.all_emails(Customer.get_by_id(keep.id)) == ["carla@client.example", "c@home.example",
                                                                 "carla@old-job.example"]
    for sender in ("carla@old-job.example", "c@home.example"):
        assert customers.find_or_create_customer(acme, sender, now=NOW).id == keep.id
    assert Customer.of(acme).count() == 1


def test_the_help_center_finds_tickets_by_a_further_verified_address(acme):
    carla = make_customer(acme, email="carla@client.example")
    ticket = make_ticket(acme, carla, subject="Printer")
    addresses.add_email(carla, "carla@home.example", now=NOW)
    end_user = EndUser.create(workspace=acme, email="carla@home.example", email_verified_at=NOW)
    assert [t.id for t in requests_of(end_user)] == [ticket.id]


def test_customers_join_an_organization_by_domain_and_its_tickets_come_in_keyset_pages(acme):
    ann = make_customer(acme, email="ann@bigco.example")
    gmail = make_customer(acme, email="bob@gmail.example")
    org = organizations.save_organization(acme, None, None, name="  Big   Co ", domain="@BigCo.example", now=NOW)
    assert (org.name, org.domain) == ("Big Co", "bigco.example")
    assert Customer.get_by_id(ann.id).organization_id == org.id and Customer.get_by_id(gmail.id).organization_id is None
    later = make_customer(acme, email="cy@bigco.example")  # joins on first contact
    assert later.organization_id == org.id
    numbers = [make_ticket(acme, ann if i % 2 else later, now=NOW + timedelta(minutes=i)).id for i in range(30)]
    make_ticket(acme, gmail)
    first = organizations.organization_tickets(acme, org)
    second = organizations.organization_tickets(acme, org, before_id=first[organizations.PAGE_SIZE - 1].id)
    assert [t.id for t in first[:25] + second] == sorted(numbers, reverse=True)
    with pytest.raises(organizations.OrganizationError, match="already has the domain"):
        organizations.save_organization(acme, None, None, name="Copy", domain="bigco.example", now=NOW)
    with pytest.raises(organizations.OrganizationError, match="not an email domain"):
        organizations.save_organization(acme, None, None, name="Bad", domain="<script>", now=NOW)


def test_pages_add_an_address_set_the_organization_and_show_its_tickets(app, client):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        carla = make_customer(workspace, email="carla@client.example", name="Carla")
        make_ticket(workspace, carla, subject="Printer jam")
    sign_in(client, owner_of(workspace).user)
    base = f"/w/{workspace.slug}/customers"
    created = post(client, f"{base}/organizations/", {"name": "Client Ltd", "domain": "client.example"})
    org = Organization.get(Organization.name == "Client Ltd")
    assert created.location.endswith(f"{base}/organizations/{org.id}")
    page = client.get(f"{base}/organizations/{org.id}").get_data(as_text=True)
    assert "Printer jam" in page and "Carla" in page
    added = post(client, f"{base}/{carla.id}/emails", {"email": "carla@home.example"}, follow_redirects=True)
    assert "Mail from carla@home.example now lands on this customer." in added.get_data(as_text=True)
    address = CustomerEmail.get(CustomerEmail.email == "carla@home.example")
    assert post(client, f"{base}/{carla.id}/organization", {"organization": ""}).status_code == 302
    assert Customer.get_by_id(carla.id).organization_id is None
    assert post(client, f"{base}/{carla.id}/emails/{address.id}/remove").status_code == 302
    assert not CustomerEmail.select().exists()


def test_another_workspaces_customers_organizations_and_addresses_are_404(app, client):
    with app.app_context():
        mine = make_workspace(name="Mine")
        theirs = make_workspace(name="Theirs")
        my_customer = make_customer(mine)
        their_customer = make_customer(theirs, email="x@theirs.example")
        their_org = organizations.save_organization(theirs, None, None, name="Theirs Inc", domain="theirs.example",
                                                    now=NOW)
        their_address = addresses.add_email(their_customer, "y@theirs.example", now=NOW)
    sign_in(client, owner_of(mine).user)
    base = f"/w/{mine.slug}/customers"
    assert client.get(f"{base}/organizations/{their_org.id}").status_code == 404
    assert post(client, f"{base}/organizations/{their_org.id}", {"name": "Mine now"}).status_code == 404
    assert post(client, f"{base}/{their_customer.id}/emails", {"email": "z@x.example"}).status_code == 404
    assert post(client, f"{base}/{my_customer.id}/organization", {"organization": their_org.id}).status_code == 404
    assert post(client, f"{base}/{my_customer.id}/emails/{their_address.id}/remove").status_code == 404
    assert Organization.get_by_id(their_org.id).name == "Theirs Inc"
    assert Customer.get_by_id(my_customer.id).organization_id is None
    assert CustomerEmail.get_by_id(their_address.id).customer_id == their_customer.id


def _statements(client, url):
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_the_organization_and_customer_pages_run_as_many_statements_for_3_as_for_30_customers(app, client):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        org = organizations.save_organization(workspace, None, None, name="Big Co", domain="bigco.example", now=NOW)
        people = [make_customer(workspace, email=f"p{n}@bigco.example") for n in range(3)]
        for person in people:
            make_ticket(workspace, person)
            addresses.add_email(person, f"{person.email}.alt.example", now=NOW)
    sign_in(client, owner_of(workspace).user)
    base = f"/w/{workspace.slug}/customers"
    # An owner's first workspace page of a sign-in also reads the terms in force (R37), once.
    assert client.get(f"{base}/").status_code == 200
    few = (_statements(client, f"{base}/organizations/{org.id}"), _statements(client, f"{base}/{people[0].id}"))
    with app.app_context():
        for n in range(27):
            person = make_customer(workspace, email=f"q{n}@bigco.example")
            make_ticket(workspace, person)
            addresses.add_email(person, f"q{n}@home.example", now=NOW)
    many = (_statements(client, f"{base}/organizations/{org.id}"), _statements(client, f"{base}/{people[0].id}"))
    assert few == many
