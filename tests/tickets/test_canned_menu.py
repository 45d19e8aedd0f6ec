"""Canned replies: unknown placeholders refused on save; the reply box's `/` menu finds them by title."""
import pytest

from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import CannedReply
from tests.conftest import post, sign_in
from tests.factories import make_customer, make_ticket, make_workspace


@pytest.fixture
def desk(client):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    ticket = make_ticket(workspace, make_customer(workspace, email="carla@client.example", name="Carla"),
                         subject="Printer jam")
    sign_in(client, owner)
    return workspace, owner, ticket


def test_an_unknown_placeholder_is_refused_by_name_with_the_known_ones(client, desk):
    workspace, _, _ = desk
    with pytest.raises(tickets.TicketError, match=r"Unknown placeholder \{\{customer\.firstname\}\}"):
        tickets.save_canned_reply(workspace, "Hi", "Hello {{ customer.firstname }}")
    response = post(client, f"/w/{workspace.slug}/tickets/canned/new",
                    {"title": "Greeting", "body": "Hello {{customer.nmae}}, ticket {{ticket.number}}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Unknown placeholder {{customer.nmae}}" in page
    assert "The known placeholders are: {{customer.name}}, {{customer.email}}, {{ticket.number}}" in page
    assert "Hello {{customer.nmae}}, ticket {{ticket.number}}</textarea>" in page  # nothing typed is lost
    assert not CannedReply.select().exists()
    tickets.save_canned_reply(workspace, "Greeting", "Hello {{ customer.name }}")
    assert CannedReply.select().count() == 1


def test_the_slash_menu_finds_canned_replies_by_title_with_placeholders_filled(client, desk):
    workspace, owner, ticket = desk
    tickets.save_canned_reply(workspace, "Refund policy", "Hi {{customer.name}}, refunds for #{{ticket.number}}.")
    tickets.save_canned_reply(workspace, "Shipping <times>", "Parcels leave daily. {{agent.name}}")
    html = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}/canned-menu?q=refund").get_data(as_text=True)
    assert 'data-insert="Hi Carla, refunds for #1."' in html and "Shipping" not in html
    html = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}/canned-menu?q=").get_data(as_text=True)
    assert "Refund policy" in html and "Shipping &lt;times&gt;" in html
    html = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}/canned-menu?q=zzz").get_data(as_text=True)
    assert "No canned reply matches “zzz”." in html


def test_another_workspaces_canned_replies_never_show(app, client, desk):
    workspace, _, ticket = desk
    other = make_workspace(name="Globex")
    tickets.save_canned_reply(other, "Globex secret", "Internal")
    html = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}/canned-menu?q=").get_data(as_text=True)
    assert "Globex secret" not in html
    theirs = CannedReply.get()
    assert client.get(f"/w/{workspace.slug}/tickets/canned/{theirs.id}").status_code == 404
    assert client.get(f"/w/{workspace.slug}/tickets/{ticket.number}?canned={theirs.id}").get_data(
        as_text=True).count("Internal</textarea>") == 0
