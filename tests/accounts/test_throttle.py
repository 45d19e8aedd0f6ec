"""The per-account sign-in delay: many addresses guessing one password are slowed, the owner is not locked out."""
import re
from datetime import timedelta

import pytest

from helpdesk.accounts import services as accounts
from helpdesk.accounts.jobs import purge_expired_tokens
from helpdesk.accounts.models import AccountToken, SignInThrottle
from helpdesk.accounts.throttle import FREE_ATTEMPTS, SignInDelayed
from helpdesk.core.audit import AuditEntry
from tests.conftest import csrf_token
from tests.factories import DEFAULT_PASSWORD, make_user


def _fail(user_or_email, now):
    email = getattr(user_or_email, "email", user_or_email)
    with pytest.raises(accounts.AccountError, match="Wrong email or password"):
        accounts.authenticate(email, "not the password", now=now)


def _delay(email, password, now):
    with pytest.raises(SignInDelayed) as delayed:
        accounts.authenticate(email, password, now=now)
    return delayed.value.seconds


def test_wrong_passwords_from_thirty_addresses_are_slowed_for_that_account(app):
    user = make_user()
    answers = []
    for n in range(30):
        client = app.test_client()
        address = {"REMOTE_ADDR": f"198.51.100.{n + 1}"}
        token = csrf_token(client)
        response = client.post("/signin", data={"csrf_token": token, "email": user.email, "password": f"guess {n}"},
                               environ_base=address)
        answers.append((response.status_code, response.get_data(as_text=True)))

    assert [code for code, _ in answers[:FREE_ATTEMPTS]] == [422] * FREE_ATTEMPTS
    assert all(code == 429 and "Try again in" in page for code, page in answers[FREE_ATTEMPTS:])
    # Delayed attempts are refused before their password is looked at.
    assert AuditEntry.select().where(AuditEntry.action == "sign_in_failed").count() == FREE_ATTEMPTS


def test_the_delayed_answer_says_how_long_and_sets_retry_after(app, client):
    user = make_user()
    for n in range(FREE_ATTEMPTS + 1):
        response = client.post("/signin", data={"csrf_token": csrf_token(client), "email": user.email,
                                                "password": "wrong"}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    page = response.get_data(as_text=True)
    wait = re.search(r"Too many wrong passwords for this account. Try again in (\d+) seconds, or reset your password.",
                     page)
    assert response.status_code == 429 and 0 < int(wait.group(1)) <= 30
    # The limiter may raise it to the end of its own window for this address, never lower it.
    assert int(response.headers["Retry-After"]) >= int(wait.group(1)) - 1


def test_the_right_password_during_the_delay_is_also_told_to_wait():
    user = make_user()
    now = user.created_at
    for _ in range(FREE_ATTEMPTS):
        _fail(user, now)
    assert _delay(user.email, DEFAULT_PASSWORD, now + timedelta(seconds=10)) == 20


def test_the_owner_signs_in_with_the_right_password_once_the_delay_has_passed():
    user = make_user()
    now = user.created_at
    for _ in range(FREE_ATTEMPTS):
        _fail(user, now)
    assert accounts.authenticate(user.email, DEFAULT_PASSWORD, now=now + timedelta(seconds=31)) == user
    # The success starts the count again: the next typo is answered at once.
    _fail(user, now + timedelta(seconds=32))


def test_the_delay_doubles_up_to_fifteen_minutes():
    user = make_user()
    now = user.created_at
    delays = []
    for _ in range(FREE_ATTEMPTS):
        _fail(user, now)
    for _ in range(8):
        waited = _delay(user.email, "not the password", now)
        delays.append(waited)
        now += timedelta(seconds=waited)
        _fail(user, now)
    assert delays == [30, 60, 120, 240, 480, 900, 900, 900]


def test_an_address_without_an_account_is_slowed_the_same_way():
    now = make_user().created_at
    for _ in range(FREE_ATTEMPTS):
        _fail("nobody@nowhere.example", now)
    assert _delay("Nobody@Nowhere.example ", "anything", now) == 30


def test_attempts_an_hour_apart_are_never_delayed():
    user = make_user()
    now = user.created_at
    for hour in range(3 * FREE_ATTEMPTS):
        _fail(user, now + timedelta(hours=hour, minutes=1))


def test_a_password_reset_ends_the_delay(app, client):
    user = make_user()
    now = user.created_at
    for _ in range(FREE_ATTEMPTS):
        _fail(user, now)
    token = accounts.issue_token(user, AccountToken.RESET_PASSWORD, now=now)
    accounts.reset_password(token, "a brand new password", now=now + timedelta(seconds=1))
    assert accounts.authenticate(user.email, "a brand new password", now=now + timedelta(seconds=2)) == user


def test_purge_forgets_counts_after_an_hour(app_context):
    now = make_user().created_at
    _fail("old@x.example", now)
    _fail("recent@x.example", now + timedelta(minutes=30))
    purge_expired_tokens(now=now + timedelta(hours=1, minutes=1))
    assert [row.email for row in SignInThrottle.select()] == ["recent@x.example"]
