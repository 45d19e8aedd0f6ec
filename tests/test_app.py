"""The application shell: configuration, health, security headers, CSRF, migrations, static assets."""
import hashlib
import os
import subprocess
import sys

import pytest

from helpdesk.cli import schema_drift
from helpdesk.config import PROJECT_ROOT, ConfigError, load_config
from tests.conftest import csrf_token

PRODUCTION = {
    "HELPDESK_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "DATABASE_URL": "postgresql://db.internal/helpdesk",
    "BASE_URL": "https://help.example.com",
    "ENCRYPTION_KEYS": "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=",
    "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
}


def test_production_config_accepts_complete_settings():
    config = load_config(PRODUCTION)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["TRIAL_DAYS"] == 14


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "BASE_URL", "ENCRYPTION_KEYS", "STRIPE_SECRET_KEY"])
def test_production_config_names_a_missing_setting(name):
    environ = {k: v for k, v in PRODUCTION.items() if k != name}
    with pytest.raises(ConfigError, match=name):
        load_config(environ)


@pytest.mark.parametrize("name, value", [
    ("TRIAL_DAYS", "two weeks"), ("MAIL_URL", "gopher://mail"), ("DATABASE_URL", "mysql://x/y"),
    ("ENCRYPTION_KEYS", "not-a-key"), ("REDIS_URL", "localhost:6379"),
])
def test_malformed_setting_is_named(name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({**PRODUCTION, name: value})


def test_start_up_stops_with_one_clear_line():
    environ = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    environ.update({k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    result = subprocess.run([sys.executable, "-c", "import app"], cwd=PROJECT_ROOT, env=environ,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip() == "helpdesk: configuration error: SECRET_KEY is missing (required in production)"


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["queue"] in ("ok", "in-process")


def test_healthz_answers_503_when_the_queue_is_unreachable(make_app):
    broken = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["queue"].startswith("error")


def test_security_headers_forbid_inline_script(client):
    response = client.get("/signin")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_hsts_and_secure_cookies_over_https(make_app):
    secure = make_app(BASE_URL="https://help.example.com")
    response = secure.test_client().get("/signin")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def test_r39_a_form_without_its_csrf_token_is_refused(client):
    response = client.post("/signin", data={"email": "a@b.example", "password": "x"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_a_form_with_its_csrf_token_is_accepted(client):
    response = client.post("/signin", data={"csrf_token": csrf_token(client), "email": "a@b.example",
                                            "password": "wrong-password"})
    assert response.status_code == 422
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_migrations_build_the_schema_of_the_models():
    assert not schema_drift(), f"the migrations and the models differ:\n{schema_drift()}"


def test_vendored_htmx_is_the_pinned_2_0_11():
    data = (PROJECT_ROOT / "static/js/htmx-2.0.11.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def test_pages_have_one_h1_and_labelled_inputs(client):
    import re

    for path in ("/", "/signin", "/signup", "/reset", "/verify/resend"):
        page = client.get(path).get_data(as_text=True)
        assert page.count("<h1") == 1, path
        visible = re.findall(r'<(?:input(?![^>]*type="hidden")|select|textarea)[^>]*\bid="([^"]+)"', page)
        for input_id in visible:
            assert f'for="{input_id}"' in page, f"{path}: input {input_id} has no label"
