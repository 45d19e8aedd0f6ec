"""Terms versions (R37): published, emailed once to each owner, accepted before anything else."""
from datetime import datetime, timedelta

import pytest

from helpdesk.accounts.models import User
from helpdesk.operator import terms
from helpdesk.operator.terms import TermsAcceptance, TermsNotice
from helpdesk.workspaces.models import Invitation, Role, Workspace
from helpdesk.workspaces.services import change_status
from tests.conftest import csrf_token, post, sent_mail, sign_in
from tests.factories import add_member, make_user, make_workspace, owner_of

NOW = datetime(2026, 12, 1, 10, 0)


def publish(version="2027-01-01", summary="Refunds now within 30 days."):
    return terms.publish_terms(version, summary, operator=make_user(), now=NOW)


def test_publishing_emails_every_owner_once_and_nobody_else(app, app_context):
    first = make_workspace()
    second_owner = owner_of(make_workspace()).user
    add_member(first, role=Role.ADMIN)
    agent = add_member(first).user
    gone = make_workspace()
    change_status(gone, Workspace.DELETED, now=NOW, reason="test")
    owner = owner_of(first).user
    published = publish()
    messages = sent_mail(app)  # (drains the queue on Redis)
    assert terms.email_owners_about_terms(published.id) == 0  # a rerun sends nothing again
    assert len(sent_mail(app)) == len(messages)
    assert sorted(m["To"] for m in messages) == sorted([owner.email, second_owner.email])
    assert agent.email not in [m["To"] for m in messages]
    assert "Refunds now within 30 days." in messages[0].get_body(("plain",)).get_content()
    assert TermsNotice.select().where(TermsNotice.email_id > 0).count() == 2


def test_a_notice_claimed_by_another_run_is_not_sent_twice(app, app_context):
    owner = owner_of(make_workspace()).user
    published = terms.TermsVersion.create(version="v2", summary="x", published_at=NOW)
    TermsNotice.create(terms=published, user=owner, email_id=0)  # another run holds it
    assert terms.email_owners_about_terms(published.id) == 0
    assert sent_mail(app) == []


@pytest.mark.parametrize("version, summary, message", [
    ("", "text", "1 to 32"), ("x" * 33, "text", "1 to 32"), ("v3", "  ", "what changed"),
    ("test", "text", "exists already"),
])
def test_a_bad_version_is_refused(app_context, version, summary, message):
    if version == "test":
        publish("test")
    with pytest.raises(terms.TermsError, match=message):
        publish(version, summary)


def test_accepting_records_who_which_version_when(app_context):
    owner = owner_of(make_workspace()).user
    published = publish()
    assert terms.must_accept(owner) == published
    terms.accept(owner, "2027-01-01", now=NOW + timedelta(hours=1))
    owner = User.get_by_id(owner.id)
    assert terms.must_accept(owner) is None
    rows, total = terms.acceptances(published)
    assert total == 1 and rows[0].user.email == owner.email and rows[0].accepted_at == NOW + timedelta(hours=1)
    assert terms.versions()[0]["accepted"] == 1


def test_an_old_version_cannot_be_accepted_once_replaced(app_context):
    owner = owner_of(make_workspace()).user
    publish("v1")
    terms.publish_terms("v2", "More", operator=None, now=NOW + timedelta(days=1))
    with pytest.raises(terms.TermsError, match="replaced"):
        terms.accept(owner, "v1", now=NOW)
    assert TermsAcceptance.select().count() == 0


def test_an_owner_must_accept_before_anything_else_an_agent_goes_on(app, client):
    with app.app_context():
        workspace = make_workspace()
        owner = owner_of(workspace).user
        agent = add_member(workspace).user
        publish()
    sign_in(client, owner)
    page = client.get(f"/w/{workspace.slug}/tickets/")
    assert page.status_code == 302 and "/terms/accept" in page.headers["Location"]
    invite = post(client, f"/w/{workspace.slug}/members/invite", {"email": "new@team.example", "role": "agent"})
    assert invite.status_code == 302 and "/terms/accept" in invite.headers["Location"]  # writes too
    with app.app_context():
        assert Invitation.select().count() == 0
    form = client.get(page.headers["Location"])
    assert "Refunds now within 30 days." in form.get_data(as_text=True)
    refused = post(client, page.headers["Location"], {"version": "2027-01-01"})
    assert refused.status_code == 422 and "Tick the box" in refused.get_data(as_text=True)
    accepted = post(client, page.headers["Location"], {"version": "2027-01-01", "accept": "y"})
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith(f"/w/{workspace.slug}/tickets/")
    assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 200

    other = app.test_client()
    sign_in(other, agent)
    assert other.get(f"/w/{workspace.slug}/tickets/").status_code == 200  # not an owner: not blocked


def test_the_accept_page_refuses_a_missing_csrf_token(app, client):
    with app.app_context():
        owner = owner_of(make_workspace()).user
        publish()
    sign_in(client, owner)
    response = client.post("/terms/accept", data={"version": "2027-01-01", "accept": "y"})
    assert response.status_code in (400, 422)
    with app.app_context():
        assert terms.must_accept(User.get_by_id(owner.id)) is not None


def test_the_accept_page_does_not_follow_a_next_to_another_site(app, client):
    with app.app_context():
        owner = owner_of(make_workspace()).user
        publish()
    sign_in(client, owner)
    response = post(client, "/terms/accept?next=//evil.example/", {"version": "2027-01-01", "accept": "y"})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


def test_the_terms_are_read_once_per_sign_in_and_asked_for_at_the_next_one(app, client):
    from bench.querycount import count_queries

    with app.app_context():
        workspace = make_workspace()
        owner = owner_of(workspace).user
    sign_in(client, owner)
    assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 200  # nothing to accept: remembered
    with count_queries() as counter:
        assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 200
    assert not [sql for sql in counter.statements if "termsversion" in sql.lower()]
    with app.app_context():
        publish()
    assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 200  # this sign-in checked already
    client.post("/signout", data={"csrf_token": csrf_token(client)})
    sign_in(client, owner)
    page = client.get(f"/w/{workspace.slug}/tickets/")
    assert page.status_code == 302 and "/terms/accept" in page.headers["Location"]
