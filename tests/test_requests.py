"""A NUL character in an address, a query or a form: PostgreSQL refuses it in text, so none reaches a query."""
import pytest

from helpdesk.tickets.models import Message, Tag
from helpdesk.tickets.services import tags_of
from tests.conftest import post, sign_in
from tests.factories import make_ticket, make_workspace, owner_of


@pytest.fixture
def desk(app_context):
    workspace = make_workspace(name="Acme")
    return workspace, owner_of(workspace).user, make_ticket(workspace, subject="Printer jam")


@pytest.mark.parametrize("query", ["?tag=re%00fund", "?q=print%00er", "?q=ann%00@client.example",
                                   "?customer=%00ann@client.example", "?status=open&tag=%00", "?after=%00",
                                   "?sort=%00newest"])
def test_an_inbox_query_with_a_nul_is_read_without_it(client, desk, query):
    workspace, owner, ticket = desk
    sign_in(client, owner)
    response = client.get(f"/w/{workspace.slug}/tickets/{query}")
    assert response.status_code == 200
    if query == "?q=print%00er":  # the search for "printer" finds the ticket
        assert "Printer jam" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/w/ac%00me/tickets/", "/h/ac%00me/", "/w/acme/customers/%00",
                                  "/static/css/app%00.css"])
def test_an_address_with_a_nul_is_no_page(client, desk, path):
    workspace, owner, _ = desk
    sign_in(client, owner)
    assert client.get(path.replace("acme", workspace.slug)).status_code == 404


def test_a_form_with_a_nul_keeps_what_was_typed_without_it(client, desk):
    workspace, owner, ticket = desk
    sign_in(client, owner)
    base = f"/w/{workspace.slug}/tickets/{ticket.number}"
    assert post(client, f"{base}/note", {"body": "Call\x00 back at 5"}).status_code == 302
    assert Message.of(workspace).where(Message.ticket == ticket, Message.body_text == "Call back at 5").exists()
    assert post(client, f"{base}/properties", {"status": "open", "priority": "normal",
                                                "tags": "ref\x00und"}).status_code == 302
    assert tags_of([ticket.id])[ticket.id] == ["refund"]
    assert [t.name for t in Tag.of(workspace)] == ["refund"]
