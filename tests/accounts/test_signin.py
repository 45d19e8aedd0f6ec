"""Sign-in, sign-out, remember me, password reset (R4), rate limits (R39), audit (R40)."""
from datetime import timedelta

import pytest

from helpdesk.accounts import services as accounts
from helpdesk.accounts.models import AccountToken
from helpdesk.accounts.jobs import purge_expired_tokens
from helpdesk.core.audit import AuditEntry
from helpdesk.core.passwords import check_password
from tests.conftest import csrf_token, link_in, post, sent_mail, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user, make_workspace


def test_sign_in_lands_in_the_workspace_and_is_audited(client):
    workspace = make_workspace()
    owner = workspace.membership_set.get().user
    response = sign_in(client, owner)
    assert response.location.endswith(f"/w/{workspace.slug}/")
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert f"<summary>{workspace.name}</summary>" in page and "<h1>All open</h1>" in page
    entry = AuditEntry.get(AuditEntry.action == "sign_in")
    assert entry.actor_id == owner.id and entry.detail_dict == {"method": "password"}


def test_r40_failed_sign_in_is_audited_and_explained(client):
    user = make_user()
    response = post(client, "/signin", {"email": user.email, "password": "not the password"})
    assert response.status_code == 422
    assert "Wrong email or password." in response.get_data(as_text=True)
    failed = AuditEntry.get(AuditEntry.action == "sign_in_failed")
    assert failed.actor_id == user.id and failed.detail_dict["email"] == user.email


def test_sign_in_follows_only_same_site_next(client):
    user = make_user()
    make_workspace(user)
    evil = post(client, "/signin?next=//evil.example/x", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert "evil.example" not in evil.location
    client.post("/signout", data={"csrf_token": csrf_token(client)})
    good = post(client, "/signin?next=/welcome", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert good.location == "/welcome"


def test_remember_me_sets_a_lasting_cookie(client):
    user = make_user()
    response = post(client, "/signin", {"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_sign_out_ends_the_session(client):
    workspace = make_workspace()
    sign_in(client, workspace.membership_set.get().user)
    client.post("/signout", data={"csrf_token": csrf_token(client)})
    response = client.get(f"/w/{workspace.slug}/")
    assert response.status_code == 302 and "/signin" in response.location


def test_r39_sign_in_is_rate_limited_per_address(client):
    # One address trying many accounts: the per-account delay never starts, the address limit stops it.
    codes = [post(client, "/signin", {"email": f"person{n}@x.example", "password": "wrong"}).status_code
             for n in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429
    assert "Too many attempts" in post(client, "/signin", {"email": "a@x.example", "password": "x"}).get_data(True)


def test_r4_password_reset_link_works_once(app, client):
    user = make_user()
    post(client, "/reset", {"email": user.email})
    (message,) = sent_mail(app, to=user.email)
    path = link_in(message).replace("http://localhost", "")
    response = post(client, path, {"password": "a brand new password", "confirm": "a brand new password"})
    assert response.location.endswith("/signin")
    user = accounts.find_user(user.email)
    assert check_password(user.password_hash, "a brand new password")
    again = post(client, path, {"password": "another new password", "confirm": "another new password"},
                 follow_redirects=True)
    assert "not valid any more" in again.get_data(as_text=True)
    assert AuditEntry.select().where(AuditEntry.action == "password_reset").count() == 1


def test_r4_password_reset_link_expires_after_one_hour():
    user = make_user()
    now = user.created_at
    token = accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=now)
    with pytest.raises(accounts.AccountError, match="expired"):
        accounts.reset_password(token, "a brand new password", now=now + timedelta(minutes=61))
    assert accounts.reset_password(token, "a brand new password", now=now + timedelta(minutes=59)) == user


def test_r4_a_new_reset_link_cancels_the_previous_one():
    user = make_user()
    now = user.created_at
    first = accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=now)
    accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=now)
    with pytest.raises(accounts.AccountError):
        accounts.reset_password(first, "a brand new password", now=now)


def test_reset_request_says_the_same_for_unknown_addresses(app, client):
    response = post(client, "/reset", {"email": "nobody@nowhere.example"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert sent_mail(app) == []


def test_r39_reset_is_rate_limited(client):
    codes = [post(client, "/reset", {"email": "x@y.example"}).status_code for _ in range(6)]
    assert codes[:5] == [302] * 5 and codes[5] == 429


def test_password_too_short_is_explained(client):
    user = make_user()
    token = accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=user.created_at + timedelta(minutes=1))
    response = post(client, f"/reset/{token}", {"password": "short", "confirm": "short"})
    assert response.status_code == 422 and "at least 10 characters" in response.get_data(as_text=True)


def test_purge_removes_only_long_expired_tokens(app_context):
    user = make_user()
    now = user.created_at
    accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=now - timedelta(days=3))
    accounts.issue_token(user, AccountToken.VERIFY_EMAIL, now=now)
    assert purge_expired_tokens(now=now) == 1
    assert AccountToken.select().count() == 1


def test_resend_verification_sends_a_fresh_link(app, client):
    user = make_user(verified=False)
    post(client, "/verify/resend", {"email": user.email})
    (message,) = sent_mail(app, to=user.email)
    client.get(link_in(message).replace("http://localhost", ""))
    assert accounts.find_user(user.email).is_verified
