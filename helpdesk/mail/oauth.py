"""Connect a Google or Microsoft mailbox by OAuth (R22) and keep its access token fresh.

The flow is authlib's `OAuth2Session` (authorization code + PKCE), driven by
hand rather than through the sign-in client registry: a mailbox needs other
scopes (full IMAP/SMTP access), offline access (a refresh token) and one fixed
callback URL, `/oauth/mailbox/callback`, that the provider console lists.

The mailbox address comes from the `email` claim of the ID token returned by
the token endpoint. That token is read without checking its signature: it came
straight from the provider's token endpoint over verified TLS, which OpenID
Connect Core (3.1.3.7, step 6) accepts in place of the signature check.

Tokens are stored encrypted (R34). `access_token()` refreshes a token that
expires within `REFRESH_MARGIN` before IMAP or SMTP uses it; a refresh token the
provider no longer accepts raises `MailConnectionError(Problem.OAUTH)` telling
the admin to connect the account again.
"""
import base64
import json
import logging
from datetime import timedelta

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app

from helpdesk.core import crypto
from helpdesk.mail.imap import MailConnectionError, Problem
from helpdesk.mail.models import AuthMethod, Mailbox, Security

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
HTTP_TIMEOUT = 15


def providers():
    """Provider settings, with the URLs and servers each one uses."""
    tenant = current_app.config.get("MICROSOFT_TENANT") or "common"
    login = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
    return {
        AuthMethod.GOOGLE: {
            "label": "Google",
            "client_id": current_app.config.get("GOOGLE_CLIENT_ID"),
            "client_secret": current_app.config.get("GOOGLE_CLIENT_SECRET"),
            "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
            "token_url": "https://oauth2.googleapis.com/token",
            "revoke_url": "https://oauth2.googleapis.com/revoke",
            "scope": "openid email https://mail.google.com/",
            "authorize_params": {"access_type": "offline", "prompt": "consent"},
            "imap": ("imap.gmail.com", 993, Security.SSL),
            "smtp": ("smtp.gmail.com", 465, Security.SSL),
        },
        AuthMethod.MICROSOFT: {
            "label": "Microsoft",
            "client_id": current_app.config.get("MICROSOFT_CLIENT_ID"),
            "client_secret": current_app.config.get("MICROSOFT_CLIENT_SECRET"),
            "authorize_url": f"{login}/authorize",
            "token_url": f"{login}/token",
            "revoke_url": None,  # Microsoft has no revocation endpoint for these tokens
            "scope": ("openid email offline_access https://outlook.office.com/IMAP.AccessAsUser.All "
                      "https://outlook.office.com/SMTP.Send"),
            "authorize_params": {"prompt": "select_account"},
            "imap": ("outlook.office365.com", 993, Security.SSL),
            "smtp": ("smtp.office365.com", 587, Security.STARTTLS),
        },
    }


def configured_providers():
    """{provider: label} for the providers whose client id is set."""
    return {name: p["label"] for name, p in providers().items() if p["client_id"] and p["client_secret"]}


def _provider(name):
    provider = providers().get(name)
    if provider is None or not provider["client_id"]:
        raise MailConnectionError(Problem.OAUTH, f"{name} sign-in for mailboxes is not configured.")
    return provider


def _session(provider, **kwargs):
    return OAuth2Session(provider["client_id"], provider["client_secret"], scope=provider["scope"],
                         token_endpoint_auth_method="client_secret_post", code_challenge_method="S256",
                         default_timeout=HTTP_TIMEOUT, **kwargs)


def authorization_request(provider_name, redirect_uri, login_hint=None):
    """(url to send the admin to, state dict to keep in the session until the callback)."""
    provider = _provider(provider_name)
    verifier = generate_token(48)
    session = _session(provider, redirect_uri=redirect_uri)
    params = dict(provider["authorize_params"])
    if login_hint:
        params["login_hint"] = login_hint
    url, state = session.create_authorization_url(provider["authorize_url"], code_verifier=verifier, **params)
    return url, {"state": state, "verifier": verifier, "provider": provider_name}


def exchange_code(saved, redirect_uri, code):
    """Trade an authorization code for tokens; returns (address, token dict).

    The caller has checked the `state` parameter against `saved["state"]`.
    Raises `MailConnectionError(Problem.OAUTH)` when the provider refuses.
    """
    provider = _provider(saved["provider"])
    session = _session(provider, redirect_uri=redirect_uri, state=saved["state"])
    try:
        token = session.fetch_token(provider["token_url"], grant_type="authorization_code", code=code,
                                    code_verifier=saved["verifier"])
    except OAuthError as error:
        raise MailConnectionError(Problem.OAUTH, f"{provider['label']} refused the connection: "
                                                 f"{error.error}{': ' + error.description if error.description else ''}") from error
    except requests.RequestException as error:
        raise MailConnectionError(Problem.UNREACHABLE, f"{provider['label']} could not be reached: {error}") from error
    claims = id_token_claims(token.get("id_token"))
    address = (claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    if "@" not in address:
        raise MailConnectionError(Problem.OAUTH, f"{provider['label']} did not say which address was connected.")
    if not token.get("refresh_token"):
        raise MailConnectionError(Problem.OAUTH, f"{provider['label']} gave no refresh token; remove the app's "
                                                 "access in the account settings and connect again.")
    return address, token


def id_token_claims(id_token):
    """The claims of an ID token received from the token endpoint itself (see the module docstring)."""
    if not id_token or id_token.count(".") != 2:
        return {}
    payload = id_token.split(".")[1]
    try:
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return {}


def store_token(mailbox, token, *, now):
    """Keep a token response on the mailbox, encrypted; a response without a refresh token keeps the old one."""
    mailbox.oauth_access_token = crypto.encrypt(token["access_token"])
    if token.get("refresh_token"):
        mailbox.oauth_refresh_token = crypto.encrypt(token["refresh_token"])
    expires_in = int(token.get("expires_in") or 3600)
    mailbox.oauth_expires_at = now + timedelta(seconds=expires_in)


def access_token(mailbox, *, now):
    """A usable access token for an OAuth mailbox, refreshed first when it expires within REFRESH_MARGIN."""
    if mailbox.oauth_access_token and mailbox.oauth_expires_at and mailbox.oauth_expires_at - REFRESH_MARGIN > now:
        return crypto.decrypt(mailbox.oauth_access_token)
    return refresh(mailbox, now=now)


def refresh(mailbox, *, now):
    """Trade the refresh token for a new access token, save it, and return it."""
    provider = _provider(mailbox.auth_method)
    if not mailbox.oauth_refresh_token:
        raise MailConnectionError(Problem.OAUTH, f"{mailbox.address} is not connected to {provider['label']} "
                                                 "any more. Connect it again.")
    session = _session(provider)
    try:
        token = session.refresh_token(provider["token_url"], refresh_token=crypto.decrypt(mailbox.oauth_refresh_token))
    except OAuthError as error:
        raise MailConnectionError(Problem.OAUTH, f"{provider['label']} no longer accepts the connection of "
                                                 f"{mailbox.address} ({error.error}). Connect it again.") from error
    except requests.RequestException as error:
        raise MailConnectionError(Problem.UNREACHABLE, f"{provider['label']} could not be reached to renew "
                                                       f"the access of {mailbox.address}: {error}") from error
    store_token(mailbox, token, now=now)
    (Mailbox.update(oauth_access_token=mailbox.oauth_access_token, oauth_refresh_token=mailbox.oauth_refresh_token,
                    oauth_expires_at=mailbox.oauth_expires_at).where(Mailbox.id == mailbox.id).execute())
    return token["access_token"]


def revoke(provider_name, refresh_token_plain):
    """Ask the provider to forget a token (best effort: removal never waits on it)."""
    provider = providers().get(provider_name) or {}
    if not provider.get("revoke_url") or not refresh_token_plain:
        return False
    try:
        response = requests.post(provider["revoke_url"], data={"token": refresh_token_plain}, timeout=5)
        return response.ok
    except requests.RequestException as error:
        log.warning("revoking the %s token failed: %s", provider_name, error)
        return False
