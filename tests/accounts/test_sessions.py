"""Sessions that end: sign-out, password reset and change, "Sign out everywhere", the account page."""
from datetime import timedelta

from helpdesk.accounts import services as accounts
from helpdesk.accounts import sessions
from helpdesk.accounts.jobs import purge_expired_tokens
from helpdesk.accounts.models import AccountToken, UserSession
from helpdesk.core.audit import AuditEntry
from helpdesk.core.passwords import check_password
from tests.conftest import csrf_token, post, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user, make_workspace

NEW_PASSWORD = "a brand new password"
IDLE, REMEMBERED = timedelta(hours=24), timedelta(days=30)


def _signed_in(app, remember=False):
    """A workspace, its owner, and a browser signed in as the owner (remember-me when asked)."""
    workspace = make_workspace()
    owner = workspace.membership_set.get().user
    client = app.test_client()
    data = {"email": owner.email, "password": DEFAULT_PASSWORD, **({"remember": "y"} if remember else {})}
    assert post(client, "/signin", data).status_code == 302
    return workspace, owner, client


def _copy(app, client, *names):
    """Another browser holding copies of `client`'s cookies called `names`."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def _is_signed_in(client, workspace):
    """Whether `client` gets the workspace's inbox (else it is sent to sign in)."""
    return client.get(f"/w/{workspace.slug}/tickets/").status_code == 200


def test_sign_out_ends_copied_session_and_remember_me_cookies(app):
    workspace, _owner, client = _signed_in(app, remember=True)
    session_copy = _copy(app, client, "session")
    remember_copy = _copy(app, client, "remember_token")
    assert _is_signed_in(session_copy, workspace) and _is_signed_in(remember_copy, workspace)

    client.post("/signout", data={"csrf_token": csrf_token(client)})

    assert not _is_signed_in(client, workspace)
    assert not _is_signed_in(session_copy, workspace)
    assert not _is_signed_in(remember_copy, workspace)


def test_sign_out_on_one_device_keeps_the_others_signed_in(app):
    workspace, owner, laptop = _signed_in(app)
    phone = app.test_client()
    sign_in(phone, owner)
    laptop.post("/signout", data={"csrf_token": csrf_token(laptop)})
    assert _is_signed_in(phone, workspace) and not _is_signed_in(laptop, workspace)


def test_remember_me_signs_in_after_the_browser_forgot_its_session(app):
    workspace, _owner, client = _signed_in(app, remember=True)
    assert _is_signed_in(_copy(app, client, "remember_token"), workspace)


def test_a_cookie_with_a_person_id_instead_of_a_session_key_signs_nobody_in(app):
    # The form of cookie made before sessions could end (or forged with a leaked secret key).
    workspace, owner, _client = _signed_in(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(owner.id)
    assert not _is_signed_in(client, workspace)


def test_password_reset_ends_every_session_and_remember_me_cookie(app):
    workspace, owner, laptop = _signed_in(app, remember=True)
    remember_copy = _copy(app, laptop, "remember_token")
    phone = app.test_client()
    sign_in(phone, owner)
    token = accounts.issue_token(owner, AccountToken.RESET_PASSWORD, now=owner.created_at + timedelta(minutes=1))

    response = post(app.test_client(), f"/reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert not any(_is_signed_in(c, workspace) for c in (laptop, remember_copy, phone))
    assert AuditEntry.get(AuditEntry.action == "password_reset").detail_dict == {"sessions_ended": 2}


def test_password_change_asks_the_current_password_and_ends_the_other_sessions(app):
    workspace, owner, laptop = _signed_in(app)
    phone, remembered = app.test_client(), app.test_client()
    sign_in(phone, owner)
    post(remembered, "/signin", {"email": owner.email, "password": DEFAULT_PASSWORD, "remember": "y"})
    remember_copy = _copy(app, remembered, "remember_token")
    new = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

    wrong = post(laptop, "/account/password", {"current_password": "not my password", **new})
    assert wrong.status_code == 422 and "That is not your current password." in wrong.get_data(as_text=True)
    assert _is_signed_in(phone, workspace)

    done = post(laptop, "/account/password", {"current_password": DEFAULT_PASSWORD, **new}, follow_redirects=True)

    assert "2 other sessions were signed out" in done.get_data(as_text=True)
    assert check_password(accounts.find_user(owner.email).password_hash, NEW_PASSWORD)
    assert _is_signed_in(laptop, workspace)
    assert not any(_is_signed_in(c, workspace) for c in (phone, remembered, remember_copy))


def test_sign_out_everywhere_asks_first_then_ends_every_session(app):
    workspace, owner, laptop = _signed_in(app)
    phone = app.test_client()
    sign_in(phone, owner)

    question = laptop.get("/account/sign-out-everywhere").get_data(as_text=True)
    assert "Sign out everywhere?" in question and "this one included" in question
    assert _is_signed_in(laptop, workspace) and _is_signed_in(phone, workspace)

    response = post(laptop, "/account/sign-out-everywhere", follow_redirects=True)

    assert "You are signed out on every device." in response.get_data(as_text=True)
    assert not _is_signed_in(laptop, workspace) and not _is_signed_in(phone, workspace)
    assert AuditEntry.get(AuditEntry.action == "signed_out_everywhere").detail_dict == {"sessions_ended": 2}


def test_the_csrf_token_from_before_sign_in_is_refused_after_it(app, client):
    workspace = make_workspace()
    owner = workspace.membership_set.get().user
    before = csrf_token(client)
    client.post("/signin", data={"csrf_token": before, "email": owner.email, "password": DEFAULT_PASSWORD})

    replayed = client.post("/signout", data={"csrf_token": before})

    assert replayed.status_code == 400
    assert _is_signed_in(client, workspace)
    assert csrf_token(client) != before


def test_signing_in_again_in_one_browser_ends_its_previous_session(app):
    _workspace, owner, client = _signed_in(app)
    sign_in(client, owner)
    assert [row.revoked_at is None for row in UserSession.select().order_by(UserSession.id)] == [False, True]


def test_account_page_is_linked_from_every_page_and_offers_both_actions(app):
    _workspace, owner, client = _signed_in(app)
    inbox = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account"' in inbox
    page = client.get("/account").get_data(as_text=True)
    assert owner.email in page and "Change password" in page and 'for="current_password"' in page
    assert 'href="/account/sign-out-everywhere"' in page
    assert app.test_client().get("/account").location.startswith("/signin")


def test_a_google_only_person_is_sent_to_the_reset_link_to_set_a_password(app):
    _workspace, owner, client = _signed_in(app)
    owner.password_hash = None
    owner.save()
    page = client.get("/account").get_data(as_text=True)
    assert "no password here" in page and 'href="/reset"' in page and "current_password" not in page


def test_an_idle_session_ends_and_a_remembered_one_lasts_its_days():
    user = make_user()
    now = user.created_at
    browser = sessions.open_session(user, method="password", now=now, lasts=IDLE).session_key
    remembered = sessions.open_session(user, method="password", now=now, lasts=REMEMBERED,
                                       remember=True).session_key

    # Each use slides the idle limit; a day without one ends the session.
    assert sessions.user_for_key(browser, now=now + timedelta(hours=20), idle=IDLE) == user
    assert sessions.user_for_key(browser, now=now + timedelta(hours=40), idle=IDLE) == user
    assert sessions.user_for_key(browser, now=now + timedelta(hours=65), idle=IDLE) is None
    assert sessions.user_for_key(remembered, now=now + timedelta(days=29), idle=IDLE) == user
    assert sessions.user_for_key(remembered, now=now + timedelta(days=30, minutes=1), idle=IDLE) is None


def test_purge_removes_sessions_a_day_after_they_ended(app_context):
    user = make_user()
    now = user.created_at
    for _ in range(3):
        sessions.open_session(user, method="password", now=now, lasts=IDLE)
    first, second, third = UserSession.select().order_by(UserSession.id)
    sessions.end_session(first, now=now)
    sessions.end_session(second, now=now + timedelta(hours=23))
    purge_expired_tokens(now=now + timedelta(days=1, minutes=1))
    assert [row.id for row in UserSession.select().order_by(UserSession.id)] == [second.id, third.id]
