"""Operators for tests: an account flagged operator, its TOTP set up, a browser past the second factor."""
import pyotp

from helpdesk.core.clock import utcnow
from helpdesk.core.crypto import decrypt
from helpdesk.operator import access
from helpdesk.operator.models import OperatorFactor
from tests.conftest import post, sign_in
from tests.factories import make_user


def make_operator(email="operator@service.example"):
    user = make_user(name="Olga Operator", email=email)
    user, _created = access.create_operator(user.email, now=utcnow(), terms_version="2026-11-01")
    return user


def totp_of(app, user):
    with app.app_context():
        return pyotp.TOTP(decrypt(OperatorFactor.get(OperatorFactor.user == user).secret))


def code_at(app, user, step_offset=0):
    """The TOTP code of the current 30-second step (or one next to it)."""
    totp = totp_of(app, user)
    return totp.generate_otp(totp.timecode(utcnow()) + step_offset)


def set_up_factor(client, user):
    """Sign in, set up TOTP through the real pages; returns the recovery codes shown."""
    sign_in(client, user)
    assert client.get("/operator/second-factor/setup").status_code == 200
    response = post(client, "/operator/second-factor/setup", {"code": code_at(client.application, user)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return access_codes(response.get_data(as_text=True))


def access_codes(page):
    import re

    return re.findall(r"<li><code>([0-9a-f-]{20})</code></li>", page)


def console_client(app, user=None):
    """A browser signed in as an operator who passed the second factor (set up on the way)."""
    user = user or make_operator()
    client = app.test_client()
    set_up_factor(client, user)
    return client, user
