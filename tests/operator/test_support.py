"""Support access (R35): only while the owner allows it may an operator open a workspace, read-only,
with a banner; every visit is in the workspace's audit log, which the owner reads."""
from datetime import timedelta

import pytest

from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.operator import support
from helpdesk.workspaces.models import Role
from tests.conftest import post, sign_in
from tests.factories import add_member, make_ticket, make_workspace, owner_of
from tests.operator.helpers import console_client, make_operator


def _visits(workspace):
    return AuditEntry.select().where(AuditEntry.workspace_id == workspace.id,
                                     AuditEntry.action == "operator.support_visit").count()


def test_an_operator_without_support_access_cannot_open_a_workspace(app):
    workspace = make_workspace()
    make_ticket(workspace, subject="Private matter")
    client, _operator = console_client(app)
    for url in (f"/operator/workspaces/{workspace.id}/support/", f"/operator/workspaces/{workspace.id}/support/tickets/1"):
        response = client.get(url)
        assert response.status_code == 403 and "Private matter" not in response.get_data(as_text=True)
    assert _visits(workspace) == 0


def test_with_support_access_each_visit_is_audited_and_read_only(app):
    workspace = make_workspace(name="Acme")
    make_ticket(workspace, subject="Printer on fire", body="Smoke everywhere.")
    support.grant(workspace, owner_of(workspace), 1, now=utcnow())
    client, operator = console_client(app)
    tickets = client.get(f"/operator/workspaces/{workspace.id}/support/").get_data(as_text=True)
    assert "Printer on fire" in tickets and "read-only" in tickets
    ticket = client.get(f"/operator/workspaces/{workspace.id}/support/tickets/1").get_data(as_text=True)
    assert "Smoke everywhere." in ticket and "Each page you open is in its audit log" in ticket
    assert _visits(workspace) == 2
    assert "<form" not in ticket.split('id="main"')[1]  # nothing on the page writes
    # The operator is no member: the workspace's own pages stay closed.
    assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 404


def test_support_access_ends_after_its_days_or_when_the_owner_ends_it(app):
    now = utcnow()
    workspace = make_workspace()
    owner = owner_of(workspace)
    operator = make_operator()
    support.grant(workspace, owner, 7, now=now)
    support.open_for_support(workspace, operator, "tickets", now=now + timedelta(days=6, hours=23))
    with pytest.raises(support.SupportAccessError):
        support.open_for_support(workspace, operator, "tickets", now=now + timedelta(days=7))
    support.grant(workspace, owner, 1, now=now)
    assert support.end(workspace, owner, now=now + timedelta(hours=1))
    with pytest.raises(support.SupportAccessError):
        support.open_for_support(workspace, operator, "tickets", now=now + timedelta(hours=2))
    with pytest.raises(support.SupportAccessError, match="1 or 7"):
        support.grant(workspace, owner, 30, now=now)


def test_only_the_owner_turns_it_on_and_reads_the_audit_log(app):
    workspace = make_workspace()
    admin = add_member(workspace, role=Role.ADMIN)
    client = app.test_client()
    sign_in(client, admin.user)
    assert client.get(f"/w/{workspace.slug}/settings/support-access").status_code == 403
    assert post(client, f"/w/{workspace.slug}/settings/support-access", {"days": "7"}).status_code == 403
    assert client.get(f"/w/{workspace.slug}/settings/audit-log").status_code == 403
    with pytest.raises(support.SupportAccessError):
        support.grant(workspace, admin, 1, now=utcnow())


def test_the_owner_turns_it_on_and_sees_each_visit_in_the_audit_log(app):
    workspace = make_workspace()
    owner = owner_of(workspace).user
    client = app.test_client()
    sign_in(client, owner)
    assert client.get(f"/w/{workspace.slug}/settings/support-access").status_code == 200
    assert post(client, f"/w/{workspace.slug}/settings/support-access", {"days": "3"}).status_code == 422
    assert post(client, f"/w/{workspace.slug}/settings/support-access", {"days": "7"}).status_code == 302
    assert "Support access is on until" in client.get(f"/w/{workspace.slug}/settings/support-access").get_data(as_text=True)
    operator_client, operator = console_client(app)
    operator_client.get(f"/operator/workspaces/{workspace.id}/support/")
    log = client.get(f"/w/{workspace.slug}/settings/audit-log").get_data(as_text=True)
    assert "operator.support_visit" in log and operator.email in log and "support_access_granted" in log
    assert post(client, f"/w/{workspace.slug}/settings/support-access/end").status_code == 302
    assert operator_client.get(f"/operator/workspaces/{workspace.id}/support/").status_code == 403


def test_another_workspaces_owner_cannot_grant_here(app):
    workspace, other = make_workspace(), make_workspace()
    client = app.test_client()
    sign_in(client, owner_of(other).user)
    assert post(client, f"/w/{workspace.slug}/settings/support-access", {"days": "7"}).status_code == 404
    assert support.current_grant(workspace, now=utcnow()) is None
