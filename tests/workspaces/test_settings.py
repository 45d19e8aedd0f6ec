"""Workspace settings: name, address with the old one redirecting, default time zone, invoice details."""
from datetime import datetime

import pytest

from helpdesk.billing.services import create_plan
from helpdesk.core.audit import AuditEntry
from helpdesk.workspaces import settings
from helpdesk.workspaces.models import FormerSlug, Role, Workspace
from helpdesk.workspaces.services import WorkspaceError
from tests.conftest import post, sign_in
from tests.factories import add_member, make_ticket, make_workspace, owner_of

NOW = datetime(2026, 12, 2, 7, 13)
BUSINESS = {"business_name": "Acme GmbH", "business_address": "Hauptstr. 1\n10115 Berlin",
            "business_country": "de", "business_vat_id": "DE 123 456 789"}


def _form(**changes):
    return {"name": "Acme", "slug": "acme", "timezone": "", **BUSINESS, **changes}


@pytest.fixture
def acme(client):
    workspace = make_workspace(name="Acme")
    sign_in(client, owner_of(workspace).user)
    return workspace


def test_owner_changes_name_address_zone_and_business_details(client, acme):
    ticket = make_ticket(acme, now=NOW)
    create_plan({"name": "Team", "price_per_seat": 900}, now=NOW)
    saved = post(client, "/w/acme/settings", _form(name="Acme Support", slug="Acme Help", timezone="Europe/Berlin"))
    assert saved.status_code == 302 and saved.location.endswith("/w/acme-help/settings")
    workspace = Workspace.get_by_id(acme.id)
    assert (workspace.name, workspace.slug, workspace.timezone) == ("Acme Support", "acme-help", "Europe/Berlin")
    assert (workspace.business_country, workspace.business_vat_id) == ("DE", "DE123456789")
    # Members without a zone of their own see the workspace's.
    assert "2 Dec 2026, 08:13" in client.get(f"/w/acme-help/tickets/{ticket.number}").get_data(as_text=True)
    # The buy form starts from the business details.
    plan = client.get("/w/acme-help/billing/").get_data(as_text=True)
    assert 'value="Acme GmbH"' in plan and 'value="DE123456789"' in plan
    assert AuditEntry.get(AuditEntry.action == "workspace_slug_changed").detail_dict == {"old": "acme", "new": "acme-help"}


def test_old_addresses_redirect_301_for_agents_and_the_help_center(client, acme):
    post(client, "/w/acme/settings", _form(slug="acme-help"))
    moved = client.get("/w/acme/tickets/?view=mine")
    assert moved.status_code == 301 and moved.location.endswith("/w/acme-help/tickets/?view=mine")
    public = client.get("/h/acme/articles/3?x=1")
    assert public.status_code == 301 and public.location.endswith("/h/acme-help/articles/3?x=1")
    # Another person does not learn that the old address was ours.
    stranger = client.application.test_client()
    sign_in(stranger, owner_of(make_workspace(name="Other")).user)
    assert stranger.get("/w/acme/tickets/").status_code == 404


def test_a_slug_used_now_or_before_by_another_workspace_is_refused(client, acme, app_context):
    other = make_workspace(name="Beta")
    settings.change_slug(other, owner_of(other), "beta-old-name", now=NOW)
    settings.change_slug(other, owner_of(other), "beta", now=NOW)  # takes back its own former slug
    for taken in ("beta", "beta-old-name"):
        refused = post(client, "/w/acme/settings", _form(slug=taken))
        assert refused.status_code == 422 and "is taken" in refused.get_data(as_text=True)
    assert Workspace.get_by_id(acme.id).slug == "acme"
    assert make_workspace(name="Beta Old Name").slug == "beta-old-name-2"  # new workspaces skip former slugs too
    assert sorted(f.slug for f in FormerSlug.of(other)) == ["beta-old-name"]


def test_bad_values_are_refused_with_a_message_and_nothing_changes(client, acme):
    for changes, message in (({"timezone": "Mars/Olympus"}, "time zone"), ({"business_country": "1x"}, "two letters"),
                             ({"slug": "admin"}, "reserved")):
        refused = post(client, "/w/acme/settings", _form(name="Changed", **changes))
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert Workspace.get_by_id(acme.id).name == "Acme"


def test_agents_may_not_change_settings(client):
    workspace = make_workspace(name="Acme")
    agent = add_member(workspace, role=Role.AGENT).user
    sign_in(client, agent)
    assert client.get("/w/acme/settings").status_code == 403
    assert post(client, "/w/acme/settings", _form(name="Hijacked")).status_code == 403
    with pytest.raises(WorkspaceError):
        settings.update_settings(workspace, add_member(workspace, role=Role.AGENT), name="X", slug=None,
                                 timezone="", business={}, now=NOW)
    assert Workspace.get_by_id(workspace.id).name == "Acme"
