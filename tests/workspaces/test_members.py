"""Roles and members (R5): invitations, role changes, removal, ownership transfer, switching."""
from datetime import timedelta

import pytest

from helpdesk.accounts.models import User
from helpdesk.core.audit import AuditEntry
from helpdesk.workspaces import services as workspaces
from helpdesk.workspaces.models import Invitation, Membership, Role
from tests.conftest import link_in, post, sent_mail, sign_in
from tests.factories import DEFAULT_PASSWORD, add_member, make_user, make_workspace


@pytest.fixture
def team():
    """A workspace with an owner, an admin and an agent."""
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get()
    return workspace, owner, add_member(workspace, role=Role.ADMIN), add_member(workspace, role=Role.AGENT)


def test_r5_invited_newcomer_creates_an_account_and_joins(app, client, team):
    workspace, owner, _, _ = team
    sign_in(client, owner.user)
    response = post(client, f"/w/{workspace.slug}/members/invite", {"email": "New@Agent.example", "role": "agent"},
                    follow_redirects=True)
    assert "Invitation sent to new@agent.example" in response.get_data(as_text=True)
    (message,) = sent_mail(app, to="new@agent.example")
    assert "invited you to Acme" in message["Subject"]
    invitation = Invitation.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)

    newcomer = app.test_client()
    path = link_in(message).replace("http://localhost", "")
    page = newcomer.get(path).get_data(as_text=True)
    assert "Join Acme" in page and "as Agent" in page
    joined = post(newcomer, path, {"name": "Nia New", "password": "her own password", "adult": "y", "terms": "y"})
    assert joined.location.endswith(f"/w/{workspace.slug}/")
    user = User.get(User.email == "new@agent.example")
    assert user.is_verified and Membership.get(Membership.user == user).role == Role.AGENT
    assert "<summary>Acme</summary>" in newcomer.get(joined.location, follow_redirects=True).get_data(as_text=True)
    # The link is spent.
    assert newcomer.get(path).status_code == 404


def test_signed_in_person_accepts_with_one_click(app, client, team):
    workspace, owner, _, _ = team
    person = make_user(email="pat@elsewhere.example")
    make_workspace(person, name="Pat's own")
    _, token = workspaces.invite(workspace, owner, person.email, Role.ADMIN, now=owner.created_at)
    sign_in(client, person)
    response = post(client, f"/invitations/{token}")
    assert response.location.endswith(f"/w/{workspace.slug}/")
    # The switcher now lists both workspaces.
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "Pat&#39;s own</a>" in page and "<summary>Acme</summary>" in page


def test_invitation_for_another_address_is_refused(client, team):
    workspace, owner, _, _ = team
    _, token = workspaces.invite(workspace, owner, "someone@else.example", Role.AGENT, now=owner.created_at)
    intruder = make_user()
    sign_in(client, intruder)
    response = post(client, f"/invitations/{token}", follow_redirects=True)
    assert "was sent to someone@else.example" in response.get_data(as_text=True)
    assert not Membership.select().where(Membership.user == intruder).exists()


def test_invitation_expires_after_seven_days(team):
    workspace, owner, _, _ = team
    now = owner.created_at
    _, token = workspaces.invite(workspace, owner, "late@x.example", Role.AGENT, now=now)
    with pytest.raises(workspaces.WorkspaceError, match="expired"):
        workspaces.find_invitation(token, now=now + timedelta(days=7, minutes=1))


def test_inviting_a_member_again_is_explained(client, team):
    workspace, owner, admin, _ = team
    sign_in(client, owner.user)
    response = post(client, f"/w/{workspace.slug}/members/invite", {"email": admin.user.email, "role": "agent"})
    assert response.status_code == 422
    assert "already a member" in response.get_data(as_text=True)


def test_a_revoked_invitation_stops_working(client, team):
    workspace, owner, _, _ = team
    invitation, token = workspaces.invite(workspace, owner, "x@y.example", Role.AGENT, now=owner.created_at)
    sign_in(client, owner.user)
    post(client, f"/w/{workspace.slug}/invitations/{invitation.id}/revoke")
    assert client.get(f"/invitations/{token}").status_code == 404


def test_r5_r40_owner_changes_a_role_and_it_is_audited(client, team):
    workspace, owner, _, agent = team
    sign_in(client, owner.user)
    response = post(client, f"/w/{workspace.slug}/members/{agent.id}/role", {"role": "admin"}, follow_redirects=True)
    assert f"{agent.user.name} is now Admin" in response.get_data(as_text=True)
    assert Membership.get_by_id(agent.id).role == Role.ADMIN
    entry = AuditEntry.get(AuditEntry.action == "role_changed")
    assert entry.detail_dict == {"member": agent.user.email, "before": "agent", "after": "admin"}
    assert entry.workspace_id == workspace.id and entry.actor_id == owner.user_id


def test_r5_agents_cannot_manage_members(client, team):
    workspace, owner, admin, agent = team
    sign_in(client, agent.user)
    page = client.get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    assert "Invite someone" not in page and admin.user.name in page
    assert post(client, f"/w/{workspace.slug}/members/{admin.id}/role", {"role": "agent"}).status_code == 403
    assert post(client, f"/w/{workspace.slug}/members/invite", {"email": "a@b.example"}).status_code == 403
    assert post(client, f"/w/{workspace.slug}/members/{admin.id}/remove").status_code == 403
    assert Membership.get_by_id(admin.id).role == Role.ADMIN


def test_the_owner_role_moves_only_by_transfer(team):
    workspace, owner, admin, _ = team
    with pytest.raises(workspaces.WorkspaceError, match="transferring ownership"):
        workspaces.change_role(workspace, admin, owner.id, Role.AGENT, now=owner.created_at)
    with pytest.raises(workspaces.WorkspaceError, match="cannot be removed"):
        workspaces.remove_member(workspace, admin, owner.id, now=owner.created_at)


def test_removing_a_member_asks_first_then_removes(client, team):
    workspace, owner, _, agent = team
    sign_in(client, owner.user)
    confirm = client.get(f"/w/{workspace.slug}/members/{agent.id}/remove").get_data(as_text=True)
    assert f"Remove {agent.user.name}?" in confirm and "will lose access" in confirm
    assert Membership.get_or_none(Membership.id == agent.id) is not None
    post(client, f"/w/{workspace.slug}/members/{agent.id}/remove")
    assert Membership.get_or_none(Membership.id == agent.id) is None
    assert AuditEntry.get(AuditEntry.action == "member_removed").detail_dict["member"] == agent.user.email


def test_a_member_can_leave(client, team):
    workspace, _, _, agent = team
    sign_in(client, agent.user)
    post(client, f"/w/{workspace.slug}/members/{agent.id}/remove")
    assert client.get(f"/w/{workspace.slug}/").status_code == 404


def test_transfer_ownership_needs_the_password(client, team):
    workspace, owner, admin, _ = team
    sign_in(client, owner.user)
    url = f"/w/{workspace.slug}/members/{admin.id}/transfer"
    wrong = post(client, url, {"password": "not mine"})
    assert wrong.status_code == 422 and "not your password" in wrong.get_data(as_text=True)
    assert Membership.get_by_id(owner.id).role == Role.OWNER
    post(client, url, {"password": DEFAULT_PASSWORD})
    assert Membership.get_by_id(owner.id).role == Role.ADMIN
    assert Membership.get_by_id(admin.id).role == Role.OWNER
    assert AuditEntry.get(AuditEntry.action == "ownership_transferred").detail_dict == {"new_owner": admin.user.email}


def test_only_the_owner_transfers_ownership(client, team):
    workspace, _, admin, agent = team
    sign_in(client, admin.user)
    assert client.get(f"/w/{workspace.slug}/members/{agent.id}/transfer").status_code == 403


def test_members_page_lists_people_with_roles(client, team):
    workspace, owner, admin, agent = team
    sign_in(client, owner.user)
    page = client.get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    for member in (owner, admin, agent):
        assert member.user.email in page
    assert page.index(owner.user.email) < page.index(admin.user.email)
    assert "No pending invitations." in page


def test_members_page_serves_its_partial_to_htmx(client, team):
    workspace, owner, _, _ = team
    sign_in(client, owner.user)
    partial = client.get(f"/w/{workspace.slug}/members", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.lstrip().startswith('<div id="members">') and "<html" not in partial
