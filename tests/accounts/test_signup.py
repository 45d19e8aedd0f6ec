"""Sign-up (R1), humans only (R2), one trial per person (R3), trial length (R7)."""
from datetime import timedelta

import pytest

from helpdesk.accounts.models import User
from helpdesk.core.audit import AuditEntry
from helpdesk.workspaces.models import Membership, Role, TrialClaim, Workspace
from helpdesk.workspaces.services import create_workspace, trial_keys, unique_slug
from tests.conftest import csrf_token, link_in, sent_mail
from tests.factories import make_user, make_workspace


def signup_form(client, **changes):
    form = {
        "csrf_token": csrf_token(client), "name": "Ann Lee", "email": "ann@acme.example",
        "password": "a long enough password", "workspace_name": "Acme Support",
        "adult": "y", "terms": "y", "website": "",
    }
    page = client.get("/signup").get_data(as_text=True)
    form["started"] = page.split('name="started" type="hidden" value="')[1].split('"')[0]
    form.update(changes)
    return form


def test_r1_signup_creates_workspace_owner_and_emails_a_verification_link(app, client):
    response = client.post("/signup", data=signup_form(client))
    assert response.status_code == 302 and "/signup/check-email" in response.location

    user = User.get(User.email == "ann@acme.example")
    assert user.name == "Ann Lee" and user.email_verified_at is None
    assert user.terms_version == app.config["TERMS_VERSION"] and user.terms_accepted_at
    assert user.adult_confirmed_at is not None
    assert user.password_hash.startswith("$argon2id$")
    workspace = Workspace.get(Workspace.slug == "acme-support")
    assert Membership.get(Membership.workspace == workspace).role == Role.OWNER
    assert workspace.status == Workspace.TRIAL
    assert workspace.trial_ends_at - workspace.created_at == timedelta(days=14)

    (message,) = sent_mail(app, to="ann@acme.example")
    assert message["Subject"] == "Confirm your email address"
    assert message.get_body(("html",)) is not None
    link = link_in(message)
    assert link.startswith("http://localhost/verify/")

    # Not verified yet: sign-in is refused with a clear reason.
    refused = client.post("/signin", data={"csrf_token": csrf_token(client), "email": "ann@acme.example",
                                           "password": "a long enough password"})
    assert "verify your email" in refused.get_data(as_text=True)

    verified = client.get(link.replace("http://localhost", ""), follow_redirects=True)
    assert "Your email address is confirmed" in verified.get_data(as_text=True)
    signed_in = client.post("/signin", data={"csrf_token": csrf_token(client), "email": "ann@acme.example",
                                             "password": "a long enough password"})
    assert signed_in.location.endswith("/w/acme-support/")
    # The link is single-use.
    again = client.get(link.replace("http://localhost", ""), follow_redirects=True)
    assert "not valid any more" in again.get_data(as_text=True)


@pytest.mark.parametrize("missing, message", [
    ("adult", "You must be 18 or older"), ("terms", "accept the terms"),
])
def test_r1_signup_requires_age_and_terms(client, missing, message):
    response = client.post("/signup", data=signup_form(client, **{missing: ""}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not User.select().exists()


def test_r1_signup_keeps_what_was_typed_when_the_email_is_taken(client):
    make_user(email="ann@acme.example")
    response = client.post("/signup", data=signup_form(client))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already exists" in page and 'value="Acme Support"' in page
    assert not Workspace.select().exists()


def test_r2_honeypot_filled_in_is_refused(client):
    response = client.post("/signup", data=signup_form(client, website="http://spam.example"))
    assert response.status_code == 200 and "quicker than a person" in response.get_data(as_text=True)
    assert not User.select().exists()


def test_r2_form_sent_faster_than_a_person_types_is_refused(app, client):
    app.config["SIGNUP_MIN_SECONDS"] = 60
    try:
        response = client.post("/signup", data=signup_form(client))
    finally:
        app.config["SIGNUP_MIN_SECONDS"] = 0
    assert "quicker than a person" in response.get_data(as_text=True)
    assert not User.select().exists()


def test_r2_forged_fill_time_stamp_is_refused(client):
    client.post("/signup", data=signup_form(client, started="forged"))
    assert not User.select().exists()


def test_r2_r39_signup_is_rate_limited_per_address(client):
    codes = [client.post("/signup", data=signup_form(client, email=f"p{n}@x{n}.example")).status_code
             for n in range(11)]
    assert codes[:10] == [302] * 10
    assert codes[10] == 429


def test_r3_trial_keys_see_through_plus_tags_and_gmail_dots():
    assert trial_keys("A.N.N+promo@GoogleMail.com") == ("ann@gmail.com", None)
    assert trial_keys("bob+x@acme.example") == ("bob@acme.example", "acme.example")


def test_r3_second_trial_for_the_same_person_is_refused():
    now = make_user().created_at
    first = make_user(email="ann.lee@gmail.com")
    _, granted = create_workspace(first, "First", now=now, trial_days=14)
    assert granted
    again = make_user(email="annlee+second@gmail.com")
    workspace, granted = create_workspace(again, "Second", now=now, trial_days=14)
    assert not granted
    assert workspace.status == Workspace.LAPSED and workspace.trial_ends_at == now


def test_r3_second_trial_for_the_same_company_domain_is_refused():
    make_workspace(make_user(email="ann@acme.example"))
    _, granted = create_workspace(make_user(email="bob@acme.example"), "Acme 2", now=make_user().created_at,
                                  trial_days=14)
    assert not granted
    assert TrialClaim.select().count() == 1


def test_r3_a_paid_trial_does_not_block_the_next_one():
    workspace = make_workspace(make_user(email="ann@acme.example"))
    workspace.paid_until = workspace.created_at + timedelta(days=30)
    workspace.save()
    _, granted = create_workspace(make_user(email="bob@acme.example"), "Acme 2", now=workspace.created_at,
                                  trial_days=14)
    assert granted


def test_r7_trial_length_follows_trial_days():
    owner = make_user()
    workspace, _ = create_workspace(owner, "Short", now=owner.created_at, trial_days=3)
    assert workspace.trial_ends_at == owner.created_at + timedelta(days=3)


def test_workspace_slugs_are_unique_and_readable():
    make_workspace(name="Acme Café")
    assert Workspace.get().slug == "acme-cafe"
    assert unique_slug("Acme Café") == "acme-cafe-2"
    assert unique_slug("Operator") == "operator-team"
    assert unique_slug("!!!") == "workspace"


def test_workspace_creation_is_audited():
    workspace = make_workspace()
    assert AuditEntry.get(AuditEntry.workspace_id == workspace.id).action == "workspace_created"
