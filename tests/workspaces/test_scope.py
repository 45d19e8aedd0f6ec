"""Tenant isolation (R6): every workspace route answers 404 to a member of another workspace."""
import re

import pytest

from helpdesk.workspaces.models import Membership, Role
from tests.conftest import csrf_token, sign_in
from tests.factories import add_member, make_ticket, make_user, make_workspace


def workspace_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/w/<workspace_slug>")]


def fill(rule, slug):
    """A concrete URL for `rule`: the slug given, 1 for every other argument."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: slug if m.group(1) == "workspace_slug" else "1", rule.rule)


def test_there_are_workspace_routes_to_check(app):
    assert len(workspace_rules(app)) >= 6


def test_r6_every_workspace_route_answers_404_to_a_member_of_another_workspace(app, client):
    victim = make_workspace(name="Victim")
    victim_agent = add_member(victim, role=Role.AGENT)  # ids 1.. exist inside the victim workspace
    attacker_workspace = make_workspace(name="Attacker")
    attacker = attacker_workspace.membership_set.get().user
    sign_in(client, attacker)
    token = csrf_token(client)
    checked = 0
    for rule in workspace_rules(app):
        url = fill(rule, victim.slug)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token, "role": "admin",
                                                             "email": "x@y.example", "password": "x"})
            assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
            checked += 1
    assert checked >= 8
    assert Membership.get_by_id(victim_agent.id).role == Role.AGENT


def test_r6_ids_of_another_workspace_are_not_found_inside_mine(client):
    mine = make_workspace(name="Mine")
    me = mine.membership_set.get()
    other = make_workspace(name="Other")
    stranger = add_member(other, role=Role.AGENT)
    sign_in(client, me.user)
    response = client.post(f"/w/{mine.slug}/members/{stranger.id}/role",
                           data={"csrf_token": csrf_token(client), "role": "admin"})
    assert response.status_code == 404
    assert Membership.get_by_id(stranger.id).role == Role.AGENT


@pytest.mark.parametrize("path", ["/", "/members"])
def test_workspace_pages_ask_strangers_to_sign_in(client, path):
    workspace = make_workspace()
    response = client.get(f"/w/{workspace.slug}{path}")
    assert response.status_code == 302 and "/signin" in response.location


def test_unknown_workspace_is_404(client):
    sign_in(client, make_user())
    assert client.get("/w/no-such-team/").status_code == 404


def test_r6_help_center_routes_show_nothing_of_another_workspace(app, client):
    """Every public route of workspace A's help center, given B's ids, shows nothing of B."""
    from tests.helpcenter.test_scope import fill_public
    from tests.knowledge.helpers import make_article, make_category

    victim = make_workspace(name="Victim")
    secret = make_article(victim, "Victim secret article", category=make_category(victim, "Victim category"))
    make_ticket(victim, subject="Victim secret ticket")
    mine = make_workspace(name="Mine")
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/h/<help_slug>"):
            continue
        url = fill_public(rule, mine.slug, secret.id, text=secret.slug)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
            body = response.get_data(as_text=True)
            assert "Victim" not in body, f"{method} {url} showed the other workspace"
            assert response.status_code in (200, 302, 400, 404, 422), f"{method} {url}: {response.status_code}"
            checked += 1
    assert checked >= 10
