"""Links that no longer work say so at once, and how to go on: reset links and invitations."""
from datetime import timedelta

from helpdesk.accounts import services as accounts
from helpdesk.accounts.models import AccountToken
from helpdesk.core.clock import utcnow
from helpdesk.workspaces import services as workspaces
from helpdesk.workspaces.models import Role
from tests.conftest import post, sign_in
from tests.factories import make_user, make_workspace

NEW = {"password": "a brand new password", "confirm": "a brand new password"}


def test_a_used_reset_link_shows_a_page_saying_so_instead_of_the_form(client):
    user = make_user()
    token = accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=utcnow())
    assert 'name="password"' in client.get(f"/reset/{token}").get_data(as_text=True)
    post(client, f"/reset/{token}", NEW)

    response = client.get(f"/reset/{token}")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This link was used or has expired" in page and "it was used, or a newer one was sent" in page
    assert 'name="password"' not in page
    assert 'href="/reset"' in page and "Ask for a new link" in page


def test_an_expired_reset_link_says_it_expired(client):
    user = make_user()
    token = accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=utcnow() - timedelta(hours=2))
    page = client.get(f"/reset/{token}").get_data(as_text=True)
    assert "This link has expired" in page and 'name="password"' not in page


def test_an_unknown_reset_link_shows_the_same_page(client):
    response = client.get("/reset/not-a-token")
    assert response.status_code == 404 and "Ask for a new link" in response.get_data(as_text=True)


def test_a_used_invitation_says_so_and_what_to_do(client):
    workspace = make_workspace()
    owner = workspace.membership_set.get()
    _invitation, token = workspaces.invite(workspace, owner, "new@x.example", Role.AGENT, now=utcnow())
    newcomer = make_user(email="new@x.example")
    sign_in(client, newcomer)
    post(client, f"/invitations/{token}")

    response = client.get(f"/invitations/{token}")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This invitation cannot be used" in page and "not valid any more" in page
    assert "If you already accepted it" in page and "ask an admin of the workspace to invite you again" in page
    assert "<h1>Not found</h1>" not in page and 'class="button" href="/">Go to my workspaces' in page
    signed_out = client.application.test_client().get(f"/invitations/{token}").get_data(as_text=True)
    assert 'class="button" href="/signin">Sign in' in signed_out
