"""The help center's scoping: which workspaces have one (R19), and the read-only one (R13)."""
import pytest

from helpdesk.helpcenter.models import HelpCenter
from helpdesk.workspaces.models import Workspace
from tests.factories import make_workspace


def set_status(workspace, status):
    Workspace.update(status=status).where(Workspace.id == workspace.id).execute()


def test_a_workspace_has_a_help_center_at_h_slug(client):
    workspace = make_workspace(name="Acme Support")
    page = client.get(f"/h/{workspace.slug}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Acme Support" in html and html.count("<h1") == 1
    assert "Inbox" not in html  # the agents' navigation is not there


def test_unknown_help_center_is_404(client):
    page = client.get("/h/no-such-team/")
    assert page.status_code == 404
    assert "There is nothing here" in page.get_data(as_text=True)


@pytest.mark.parametrize("status", [Workspace.CANCELLED, Workspace.SUSPENDED, Workspace.DELETED])
def test_r19_an_offline_workspace_help_center_answers_404(client, status):
    workspace = make_workspace(name="Gone Team")
    set_status(workspace, status)
    page = client.get(f"/h/{workspace.slug}/")
    assert page.status_code == 404
    assert "Gone Team" not in page.get_data(as_text=True)


def test_a_help_center_switched_off_answers_404(client):
    workspace = make_workspace()
    HelpCenter.create(workspace=workspace, enabled=False)
    assert client.get(f"/h/{workspace.slug}/").status_code == 404


def test_r13_a_lapsed_help_center_is_readable_and_says_so(client):
    workspace = make_workspace()
    set_status(workspace, Workspace.LAPSED)
    page = client.get(f"/h/{workspace.slug}/")
    assert page.status_code == 200
    assert "read-only" in page.get_data(as_text=True)
