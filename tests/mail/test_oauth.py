"""Mailboxes connected by OAuth (R22, R25, R34): Google and Microsoft mocked at the HTTP level only.

The `responses` library answers the providers' token endpoints with payloads shaped
like theirs (recorded shapes: Google's token response carries no new refresh token on
refresh; Microsoft's rotates it). XOAUTH2 is checked against a real SMTP server that
implements the mechanism.
"""
import base64
import json
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from helpdesk.core import crypto
from helpdesk.core.clock import utcnow
from helpdesk.extensions import db
from helpdesk.mail import oauth, send
from helpdesk.mail import services as mail
from helpdesk.mail.imap import ImapClient, MailConnectionError, Problem, xoauth2_string
from helpdesk.mail.models import AuthMethod, Mailbox
from helpdesk.tickets.models import Message
from tests.conftest import csrf_token, drain_jobs, sign_in
from tests.factories import add_member, make_ticket, make_workspace
from tests.servers import free_port

GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
GOOGLE_REVOKE = "https://oauth2.googleapis.com/revoke"
MS_TOKEN = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
CONFIG = {"BASE_URL": "http://localhost", "GOOGLE_CLIENT_ID": "1234567890-abc.apps.googleusercontent.com", "GOOGLE_CLIENT_SECRET": "GOCSPX-test",
          "MICROSOFT_CLIENT_ID": "6731de76-14a6-49ae-97bc-6eba6914391e", "MICROSOFT_CLIENT_SECRET": "ms~secret"}


def id_token(claims):
    """An ID token as the token endpoint returns it (our code reads, never verifies, its claims)."""
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256', 'kid': 'k1', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def google_token_response(email="support@acme-gmail.example", refresh=True):
    now = int(time.time())
    body = {"access_token": "ya29.a0AfB_byC-access-1", "expires_in": 3599, "token_type": "Bearer",
            "scope": "https://mail.google.com/ openid https://www.googleapis.com/auth/userinfo.email",
            "id_token": id_token({"iss": "https://accounts.google.com", "aud": CONFIG["GOOGLE_CLIENT_ID"],
                                  "sub": "110248495921238986420", "email": email, "email_verified": True,
                                  "iat": now, "exp": now + 3599})}
    if refresh:
        body["refresh_token"] = "1//0gLx-refresh-google"
    return body


def microsoft_token_response(email="help@contoso.example"):
    now = int(time.time())
    return {"token_type": "Bearer", "scope": "https://outlook.office.com/IMAP.AccessAsUser.All "
                                             "https://outlook.office.com/SMTP.Send openid email",
            "expires_in": 4186, "ext_expires_in": 4186, "access_token": "EwBwA8l6BAAU-ms-access-1",
            "refresh_token": "M.C105_BAY.-ms-refresh-1",
            "id_token": id_token({"ver": "2.0", "iss": "https://login.microsoftonline.com/9188040d/v2.0",
                                  "aud": CONFIG["MICROSOFT_CLIENT_ID"], "preferred_username": email,
                                  "email": email, "iat": now, "exp": now + 3600, "tid": "9188040d"})}


@pytest.fixture
def oauth_app(make_app):
    return make_app(**CONFIG)


@pytest.fixture
def desk(oauth_app):
    with oauth_app.app_context():
        return make_workspace(name="Acme")


def connect(oauth_app, desk, provider, token_body):
    """Click "Connect <provider>", come back from the provider with a code; returns (client, token request)."""
    client = oauth_app.test_client()
    sign_in(client, desk.membership_set.get().user)
    response = client.post(f"/w/{desk.slug}/mailboxes/connect/{provider}", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.location).query)
    token_url = GOOGLE_TOKEN if provider == "google" else MS_TOKEN
    with responses.RequestsMock() as mock:
        mock.post(token_url, json=token_body)
        callback = client.get(f"/oauth/mailbox/callback?state={query['state'][0]}&code=4/0AbCD-code")
        sent = parse_qs(mock.calls[0].request.body)
    return client, response, callback, sent


def test_r22_connect_google_stores_encrypted_tokens(oauth_app, desk):
    client, start, callback, sent = connect(oauth_app, desk, "google", google_token_response())

    assert start.location.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    query = parse_qs(urlsplit(start.location).query)
    assert "https://mail.google.com/" in query["scope"][0].split()
    assert query["access_type"] == ["offline"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://localhost/oauth/mailbox/callback"]
    assert sent["grant_type"] == ["authorization_code"] and sent["code"] == ["4/0AbCD-code"]
    assert sent["client_secret"] == [CONFIG["GOOGLE_CLIENT_SECRET"]] and sent["code_verifier"]
    assert callback.status_code == 302 and callback.location.endswith(f"/w/{desk.slug}/mailboxes/")

    with oauth_app.app_context():
        db.database.connect(reuse_if_open=True)
        mailbox = Mailbox.of(desk).get()
        assert mailbox.auth_method == AuthMethod.GOOGLE and mailbox.address == "support@acme-gmail.example"
        assert (mailbox.imap_host, mailbox.imap_port, mailbox.smtp_host) == ("imap.gmail.com", 993, "smtp.gmail.com")
        assert mailbox.imap_password is None
        row = db.database.execute_sql("SELECT oauth_access_token, oauth_refresh_token FROM mailbox").fetchone()
        assert "ya29" not in row[0] and "1//0g" not in row[1]  # R34: encrypted at rest
        assert crypto.decrypt(row[1]) == "1//0gLx-refresh-google"
        assert mailbox.oauth_expires_at > utcnow() + timedelta(minutes=55)
    page = client.get(f"/w/{desk.slug}/mailboxes/").get_data(as_text=True)
    assert "Google account" in page and "ya29" not in page


def test_r22_connect_microsoft(oauth_app, desk):
    _, start, callback, sent = connect(oauth_app, desk, "microsoft", microsoft_token_response())
    assert start.location.startswith("https://login.microsoftonline.com/common/oauth2/v2.0/authorize?")
    assert "offline_access" in parse_qs(urlsplit(start.location).query)["scope"][0]
    with oauth_app.app_context():
        mailbox = Mailbox.of(desk).get()
        assert mailbox.address == "help@contoso.example" and mailbox.auth_method == AuthMethod.MICROSOFT
        assert (mailbox.smtp_host, mailbox.smtp_port, mailbox.smtp_security) == ("smtp.office365.com", 587, "starttls")


def test_oauth_callback_with_a_forged_state_is_refused(oauth_app, desk):
    client = oauth_app.test_client()
    sign_in(client, desk.membership_set.get().user)
    client.post(f"/w/{desk.slug}/mailboxes/connect/google", data={"csrf_token": csrf_token(client)})
    assert client.get("/oauth/mailbox/callback?state=forged&code=x").status_code == 404
    with oauth_app.app_context():
        assert Mailbox.select().count() == 0


def test_oauth_callback_refused_by_the_person(oauth_app, desk):
    client = oauth_app.test_client()
    sign_in(client, desk.membership_set.get().user)
    start = client.post(f"/w/{desk.slug}/mailboxes/connect/google", data={"csrf_token": csrf_token(client)})
    state = parse_qs(urlsplit(start.location).query)["state"][0]
    response = client.get(f"/oauth/mailbox/callback?state={state}&error=access_denied", follow_redirects=True)
    assert "The connection was cancelled (access_denied)" in response.get_data(as_text=True)


def test_oauth_connect_needs_an_admin(oauth_app, desk):
    with oauth_app.app_context():
        agent = add_member(desk).user
    client = oauth_app.test_client()
    sign_in(client, agent)
    response = client.post(f"/w/{desk.slug}/mailboxes/connect/google", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 403


def _oauth_mailbox(desk, provider=AuthMethod.GOOGLE, expires_in=timedelta(hours=1), **extra):
    values = {"workspace": desk, "address": "support@acme-gmail.example", "auth_method": provider,
              "imap_host": "imap.gmail.com", "smtp_host": "smtp.gmail.com",
              "oauth_access_token": crypto.encrypt("ya29.old-access"),
              "oauth_refresh_token": crypto.encrypt("1//0gLx-refresh-google"),
              "oauth_expires_at": utcnow() + expires_in}
    return Mailbox.create(**{**values, **extra})


def test_r22_a_fresh_token_is_used_without_asking_the_provider(oauth_app, desk):
    with oauth_app.app_context(), responses.RequestsMock():  # any HTTP call would fail the test
        mailbox = _oauth_mailbox(desk)
        assert oauth.access_token(mailbox, now=utcnow()) == "ya29.old-access"


def test_r22_a_token_close_to_expiry_is_refreshed_first(oauth_app, desk):
    with oauth_app.app_context(), responses.RequestsMock() as mock:
        mock.post(GOOGLE_TOKEN, json={"access_token": "ya29.new-access", "expires_in": 3599, "token_type": "Bearer",
                                      "scope": "https://mail.google.com/"})
        mailbox = _oauth_mailbox(desk, expires_in=timedelta(minutes=3))
        now = utcnow()
        assert oauth.access_token(mailbox, now=now) == "ya29.new-access"
        request = parse_qs(mock.calls[0].request.body)
        assert request["grant_type"] == ["refresh_token"]
        assert request["refresh_token"] == ["1//0gLx-refresh-google"]
        stored = Mailbox.get_by_id(mailbox.id)
        assert crypto.decrypt(stored.oauth_access_token) == "ya29.new-access"
        assert crypto.decrypt(stored.oauth_refresh_token) == "1//0gLx-refresh-google"  # Google keeps it
        assert stored.oauth_expires_at == now + timedelta(seconds=3599)


def test_r22_microsoft_rotates_the_refresh_token(oauth_app, desk):
    with oauth_app.app_context(), responses.RequestsMock() as mock:
        mock.post(MS_TOKEN, json={**microsoft_token_response(), "access_token": "EwB-new",
                                  "refresh_token": "M.C105_BAY.-ms-refresh-2"})
        mailbox = _oauth_mailbox(desk, provider=AuthMethod.MICROSOFT, expires_in=timedelta(seconds=-5))
        assert oauth.access_token(mailbox, now=utcnow()) == "EwB-new"
        assert crypto.decrypt(Mailbox.get_by_id(mailbox.id).oauth_refresh_token) == "M.C105_BAY.-ms-refresh-2"


def test_a_revoked_refresh_token_asks_to_connect_again(oauth_app, desk):
    with oauth_app.app_context(), responses.RequestsMock() as mock:
        mock.post(GOOGLE_TOKEN, status=400, json={"error": "invalid_grant",
                                                  "error_description": "Token has been expired or revoked."})
        mailbox = _oauth_mailbox(desk, expires_in=timedelta(seconds=10))
        with pytest.raises(MailConnectionError) as caught:
            oauth.access_token(mailbox, now=utcnow())
        assert caught.value.problem == Problem.OAUTH
        assert "invalid_grant" in str(caught.value) and "Connect it again" in str(caught.value)


def test_xoauth2_string_format():
    assert xoauth2_string("ann@example.com", "ya29.tok") == "user=ann@example.com\x01auth=Bearer ya29.tok\x01\x01"
    # RFC 7628 / Google's documented example, base64 as it travels on the wire.
    encoded = base64.b64encode(xoauth2_string("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
                               .encode()).decode()
    assert encoded == ("dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52"
                       "YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==")


def test_imap_xoauth2_sends_the_sasl_string():
    calls = []

    class FakeConnection:
        def authenticate(self, mechanism, authobject):
            calls.append((mechanism, authobject(b"")))
            return "OK", [b"Success"]

    client = ImapClient("imap.gmail.com", 993, "ssl")
    client.conn = FakeConnection()
    client.login_xoauth2("ann@example.com", "ya29.tok")
    assert calls == [("XOAUTH2", b"user=ann@example.com\x01auth=Bearer ya29.tok\x01\x01")]


class XOAuth2Handler:
    """An aiosmtpd handler that offers AUTH XOAUTH2 and records the decoded initial response."""

    def __init__(self):
        self.auth, self.messages = [], []

    async def auth_XOAUTH2(self, server, args):
        from aiosmtpd.smtp import AuthResult

        self.auth.append(base64.b64decode(args[1]).decode())  # args: [mechanism, initial response]
        return AuthResult(success=True, handled=False)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def xoauth2_smtp():
    from aiosmtpd.controller import Controller

    handler = XOAuth2Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), auth_require_tls=False)
    controller.start()
    yield controller, handler
    controller.stop()


def test_r24_replies_of_an_oauth_mailbox_log_in_with_xoauth2(oauth_app, desk, xoauth2_smtp):
    controller, handler = xoauth2_smtp
    with oauth_app.app_context():
        _oauth_mailbox(desk, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none")
        ticket = make_ticket(desk)
        message = Message.create(workspace=desk, ticket=ticket, kind=Message.REPLY, body_text="Hi",
                                 author=desk.membership_set.get().user, delivery_status=Message.QUEUED)
        send.deliver_reply(message.id)
        assert handler.auth == ["user=support@acme-gmail.example\x01auth=Bearer ya29.old-access\x01\x01"]
        assert len(handler.messages) == 1
        assert Message.get_by_id(message.id).delivery_status == Message.SENT


def test_r25_removing_an_oauth_mailbox_wipes_and_revokes_its_tokens(oauth_app, desk, monkeypatch):
    with oauth_app.app_context(), responses.RequestsMock() as mock:
        mock.post(GOOGLE_REVOKE, body="")
        mailbox = _oauth_mailbox(desk)
        statements = []
        database = db.database.obj
        original = database.execute_sql

        def record(sql, params=None, *args, **kwargs):
            statements.append((sql, params))
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(database, "execute_sql", record)
        mail.remove_mailbox(desk, desk.membership_set.get(), mailbox.id, now=utcnow())
        monkeypatch.undo()
        assert Mailbox.select().count() == 0
        assert parse_qs(mock.calls[0].request.body) == {"token": ["1//0gLx-refresh-google"]}
        wipe = next(sql for sql, _ in statements if sql.startswith('UPDATE "mailbox"'))
        assert "oauth_refresh_token" in wipe and "oauth_access_token" in wipe
        drain_jobs()
