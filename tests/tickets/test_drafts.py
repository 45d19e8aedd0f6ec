"""Drafts kept on the server: saved as the agent types, back after a reload, seen by colleagues, removed on send."""
import pytest

from helpdesk.core.clock import utcnow
from helpdesk.tickets.drafts import MAX_DRAFT_CHARS, Draft, DraftTooLong, discard_draft, drafts_on, save_draft
from tests.conftest import post, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_workspace


@pytest.fixture
def desk(client):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    ticket = make_ticket(workspace, make_customer(workspace, email="carla@client.example"), subject="Printer jam")
    sign_in(client, owner)
    return workspace, owner, ticket


def url(workspace, path):
    return f"/w/{workspace.slug}/tickets/{path}"


def test_a_draft_is_saved_updated_and_removed_when_emptied(desk):
    workspace, owner, ticket = desk
    save_draft(ticket, owner.id, body="Hello Carla,", now=utcnow())
    save_draft(ticket, owner.id, body="Hello Carla, try this", cc="boss@client.example", now=utcnow())
    (draft,) = drafts_on(ticket)
    assert draft.body == "Hello Carla, try this" and draft.cc == "boss@client.example" and draft.user.name == owner.name
    assert save_draft(ticket, owner.id, body="   ", now=utcnow()) is None
    assert drafts_on(ticket) == []


def test_a_huge_draft_is_refused(desk):
    _, owner, ticket = desk
    with pytest.raises(DraftTooLong):
        save_draft(ticket, owner.id, body="x" * (MAX_DRAFT_CHARS + 1), now=utcnow())


def test_typing_saves_the_draft_and_a_reload_shows_it(client, desk):
    workspace, owner, ticket = desk
    response = post(client, url(workspace, f"{ticket.number}/draft"),
                    {"body": "Half-written <script>alert(1)</script> answer", "cc": "", "bcc": ""},
                    headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Draft saved" in response.get_data(as_text=True)
    page = client.get(url(workspace, str(ticket.number))).get_data(as_text=True)
    assert "Half-written &lt;script&gt;alert(1)&lt;/script&gt; answer</textarea>" in page
    assert "Discard draft" in page
    other = make_ticket(workspace, subject="Another")
    assert "Half-written" not in client.get(url(workspace, str(other.number))).get_data(as_text=True)
    assert "Half-written" in client.get(url(workspace, str(ticket.number))).get_data(as_text=True)  # moved back


def test_colleagues_see_who_has_a_draft_but_not_its_text(app, desk):
    workspace, owner, ticket = desk
    save_draft(ticket, owner.id, body="Secret wording", now=utcnow())
    colleague = app.test_client()
    sign_in(colleague, add_member(workspace).user)
    page = colleague.get(url(workspace, str(ticket.number))).get_data(as_text=True)
    assert f"{owner.name} has a draft" in page and "Secret wording" not in page


def test_discarding_removes_the_draft(client, desk):
    workspace, owner, ticket = desk
    save_draft(ticket, owner.id, body="Never mind", now=utcnow())
    response = post(client, url(workspace, f"{ticket.number}/draft/discard"))
    assert response.status_code == 302 and not discard_draft(ticket, owner.id)
    assert not Draft.select().exists()


def test_another_workspaces_ticket_number_keeps_its_drafts_apart(app, client, desk):
    workspace, owner, ticket = desk
    other_workspace = make_workspace(name="Globex")
    theirs = make_ticket(other_workspace, subject="Their ticket")
    stranger = app.test_client()
    sign_in(stranger, other_workspace.membership_set.get().user)
    # Their ticket has the same number in their workspace; the URL of ours answers 404 to them.
    assert post(stranger, url(workspace, f"{ticket.number}/draft"), {"body": "x"}).status_code == 404
    assert post(stranger, url(workspace, f"{ticket.number}/draft/discard")).status_code == 404
    post(stranger, url(other_workspace, f"{theirs.number}/draft"), {"body": "Theirs"})
    assert [d.ticket_id for d in Draft.select()] == [theirs.id]


def test_saving_a_draft_needs_the_csrf_token(client, desk):
    workspace, _, ticket = desk
    assert client.post(url(workspace, f"{ticket.number}/draft"), data={"body": "x"}).status_code == 400
    assert not Draft.select().exists()

