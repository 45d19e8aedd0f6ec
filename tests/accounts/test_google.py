"""Sign in with Google (R4) through OpenID Connect, against recorded provider answers.

Google is mocked at the HTTP level only (the `responses` library): discovery,
token, JWKS and userinfo endpoints answer with payloads shaped like Google's.
The ID token is a real RS256 JWT signed by a key made for the test.
"""
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from joserfc import jwt
from joserfc.jwk import RSAKey

from helpdesk.accounts.models import User
from helpdesk.core.audit import AuditEntry
from helpdesk.workspaces.models import Membership
from tests.conftest import csrf_token
from tests.factories import make_user, make_workspace

CLIENT_ID = "1234567890-abc123def456.apps.googleusercontent.com"
DISCOVERY_URL = "https://accounts.google.com/.well-known/openid-configuration"
# Recorded from Google's discovery document (trimmed of fields the client does not read).
DISCOVERY = {
    "issuer": "https://accounts.google.com",
    "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
    "device_authorization_endpoint": "https://oauth2.googleapis.com/device/code",
    "token_endpoint": "https://oauth2.googleapis.com/token",
    "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
    "revocation_endpoint": "https://oauth2.googleapis.com/revoke",
    "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
    "response_types_supported": ["code", "token", "id_token", "code token", "code id_token",
                                 "token id_token", "code token id_token", "none"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "email", "profile"],
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name", "iat", "iss",
                         "name", "picture", "sub"],
    "code_challenge_methods_supported": ["plain", "S256"],
    "grant_types_supported": ["authorization_code", "refresh_token",
                              "urn:ietf:params:oauth:grant-type:device_code",
                              "urn:ietf:params:oauth:grant-type:jwt-bearer"],
}
SUBJECT = "110248495921238986420"
KEY = RSAKey.generate_key(2048, parameters={"kid": "a50f6e70ef4b548a5fd9142eecd1fb8f54dce9ee", "use": "sig",
                                            "alg": "RS256"})


def google_answers(nonce, email="ann.lee@gmail.com", verified=True, subject=SUBJECT):
    """Register Google's recorded answers for one sign-in."""
    now = int(time.time())
    id_token = jwt.encode({"alg": "RS256", "kid": KEY.kid}, {
        "iss": "https://accounts.google.com", "azp": CLIENT_ID, "aud": CLIENT_ID, "sub": subject,
        "email": email, "email_verified": verified, "nonce": nonce, "name": "Ann Lee",
        "picture": "https://lh3.googleusercontent.com/a/ACg8ocL", "given_name": "Ann", "family_name": "Lee",
        "iat": now, "exp": now + 3599,
    }, KEY)
    responses.get(DISCOVERY_URL, json=DISCOVERY)
    responses.get(DISCOVERY["jwks_uri"], json={"keys": [KEY.as_dict(private=False)]})
    responses.post(DISCOVERY["token_endpoint"], json={
        "access_token": "ya29.a0AfB_byC-recorded-shape", "expires_in": 3599, "token_type": "Bearer",
        "scope": "openid https://www.googleapis.com/auth/userinfo.email "
                 "https://www.googleapis.com/auth/userinfo.profile",
        "id_token": id_token,
    })
    responses.get(DISCOVERY["userinfo_endpoint"], json={
        "sub": subject, "name": "Ann Lee", "given_name": "Ann", "family_name": "Lee",
        "picture": "https://lh3.googleusercontent.com/a/ACg8ocL", "email": email, "email_verified": verified,
    })


@pytest.fixture
def google_app(make_app):
    return make_app(GOOGLE_CLIENT_ID=CLIENT_ID, GOOGLE_CLIENT_SECRET="GOCSPX-test-secret")


def start(client):
    """Click "Sign in with Google"; returns the nonce and state sent to Google."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(DISCOVERY_URL, json=DISCOVERY)
        response = client.get("/signin/google")
    assert response.status_code == 302
    redirect = urlsplit(response.location)
    assert f"{redirect.scheme}://{redirect.netloc}{redirect.path}" == DISCOVERY["authorization_endpoint"]
    query = parse_qs(redirect.query)
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0]
    return query["nonce"][0], query["state"][0]


@responses.activate
def test_r4_first_google_sign_in_creates_a_verified_account_then_a_workspace(google_app):
    client = google_app.test_client()
    nonce, state = start(client)
    google_answers(nonce)
    response = client.get(f"/signin/google/callback?code=4/0AfJohXn-recorded&state={state}")
    assert response.location == "/welcome"
    user = User.get(User.email == "ann.lee@gmail.com")
    assert user.google_subject == SUBJECT and user.is_verified and user.password_hash is None
    assert AuditEntry.get(AuditEntry.action == "sign_in").detail_dict == {"method": "google"}

    # Completing sign-up: 18+, terms and the workspace name.
    created = client.post("/welcome", data={"csrf_token": csrf_token(client), "workspace_name": "Lee Support",
                                            "adult": "y", "terms": "y"})
    assert created.location.endswith("/w/lee-support/")
    assert Membership.get(Membership.user == user).role == "owner"
    assert User.get_by_id(user.id).terms_version == google_app.config["TERMS_VERSION"]


@responses.activate
def test_google_sign_in_links_an_existing_account_by_verified_email(google_app):
    person = make_user(email="ann.lee@gmail.com")
    workspace = make_workspace(person)
    client = google_app.test_client()
    nonce, state = start(client)
    google_answers(nonce)
    response = client.get(f"/signin/google/callback?code=4/0AfJohXn-recorded&state={state}")
    assert response.location.endswith(f"/w/{workspace.slug}/")
    assert User.get_by_id(person.id).google_subject == SUBJECT


@responses.activate
def test_google_account_without_verified_email_is_refused(google_app):
    client = google_app.test_client()
    nonce, state = start(client)
    google_answers(nonce, verified=False)
    response = client.get(f"/signin/google/callback?code=x&state={state}", follow_redirects=True)
    assert "did not confirm an email address" in response.get_data(as_text=True)
    assert not User.select().exists()


@responses.activate
def test_a_forged_state_signs_nobody_in(google_app):
    client = google_app.test_client()
    nonce, _ = start(client)
    google_answers(nonce)
    response = client.get("/signin/google/callback?code=x&state=forged", follow_redirects=True)
    assert "did not complete" in response.get_data(as_text=True)
    assert not User.select().exists()


def test_google_button_is_absent_when_not_configured(client):
    assert "Sign in with Google" not in client.get("/signin").get_data(as_text=True)
    assert client.get("/signin/google").status_code == 404
