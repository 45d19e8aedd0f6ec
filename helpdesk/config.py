"""Settings, read from the environment only; this module is their one reader.

`load_config(environ)` returns a plain dict for `app.config`. In production
(`HELPDESK_ENV=production`) a missing or malformed setting raises
`ConfigError` with one line naming it, and start-up stops.
"""
import os
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEV_SECRET_KEY = "dev-only-not-secret"
# A fixed key so that a laptop run keeps reading what it encrypted; never used in production.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="

MAIL_SCHEMES = ("smtp", "smtps", "file")
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


def _int(environ, name, default):
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _percent_bp(environ, name, default):
    """A percentage such as `19` or `7.7` as integer basis points (1 % = 100)."""
    raw = environ.get(name) or default
    try:
        basis_points = Decimal(raw) * 100
    except InvalidOperation:
        raise ConfigError(f"{name} must be a percentage such as 19 or 7.7, got {raw!r}") from None
    if basis_points != basis_points.to_integral_value() or not 0 <= basis_points <= 10000:
        raise ConfigError(f"{name} must be between 0 and 100 with at most two decimals, got {raw!r}")
    return int(basis_points)


def _check_url(name, value, schemes):
    scheme = urlsplit(value).scheme
    if scheme not in schemes:
        raise ConfigError(f"{name} must start with one of {', '.join(s + '://' for s in schemes)}; got {value!r}")


def _check_encryption_keys(value):
    for key in value.split(","):
        try:
            Fernet(key.strip())
        except ValueError:
            raise ConfigError("ENCRYPTION_KEYS must be comma-separated Fernet keys "
                              "(make one with: python -c 'from cryptography.fernet import Fernet; "
                              "print(Fernet.generate_key().decode())')") from None


def _check_storage(config, environ, production):
    if config["STORAGE_URL"]:
        parts = urlsplit(config["STORAGE_URL"])
        if parts.scheme != "s3" or not parts.netloc:
            raise ConfigError(f"STORAGE_URL must look like s3://bucket/prefix; got {config['STORAGE_URL']!r}")
    if config["S3_ENDPOINT_URL"]:
        _check_url("S3_ENDPOINT_URL", config["S3_ENDPOINT_URL"], ("http", "https"))
    if bool(config["S3_ACCESS_KEY_ID"]) != bool(config["S3_SECRET_ACCESS_KEY"]):
        raise ConfigError("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together")
    # With Redis, web and worker are separate processes (on a PaaS, separate machines with disks wiped
    # at each deploy): files on one's local disk would be missing from the other, then lost.
    if production and config["REDIS_URL"] and not config["STORAGE_URL"] and not environ.get("STORAGE_DIR"):
        raise ConfigError("STORAGE_URL is missing (required in production with a separate worker: "
                          "s3://bucket/prefix, or set STORAGE_DIR to a disk that every process shares and keeps)")


def load_config(environ=None, overrides=None):
    """Build the application settings from `environ` (default: os.environ), `overrides` on top."""
    environ = os.environ if environ is None else environ
    env = environ.get("HELPDESK_ENV", "development")
    if env not in ("development", "test", "production"):
        raise ConfigError(f"HELPDESK_ENV must be development, test or production; got {env!r}")
    production = env == "production"

    def required(name, dev_default):
        value = environ.get(name, "")
        if value:
            return value
        if production:
            raise ConfigError(f"{name} is missing (required in production)")
        return dev_default

    config = {
        "HELPDESK_ENV": env,
        "SECRET_KEY": required("SECRET_KEY", DEV_SECRET_KEY),
        "DATABASE_URL": required("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'helpdesk.sqlite3'}"),
        "BASE_URL": required("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "ENCRYPTION_KEYS": required("ENCRYPTION_KEYS", DEV_ENCRYPTION_KEY),
        "REDIS_URL": environ.get("REDIS_URL") or None,
        "QUEUE_NAME": environ.get("QUEUE_NAME", "helpdesk"),
        "MAIL_URL": environ.get("MAIL_URL") or f"file://{INSTANCE_DIR / 'outbox'}",
        "MAIL_FROM": environ.get("MAIL_FROM", "Helpdesk <helpdesk@localhost>"),
        "GOOGLE_CLIENT_ID": environ.get("GOOGLE_CLIENT_ID") or None,
        "GOOGLE_CLIENT_SECRET": environ.get("GOOGLE_CLIENT_SECRET") or None,
        "GOOGLE_DISCOVERY_URL": environ.get(
            "GOOGLE_DISCOVERY_URL", "https://accounts.google.com/.well-known/openid-configuration"),
        "MICROSOFT_CLIENT_ID": environ.get("MICROSOFT_CLIENT_ID") or None,
        "MICROSOFT_CLIENT_SECRET": environ.get("MICROSOFT_CLIENT_SECRET") or None,
        "MICROSOFT_TENANT": environ.get("MICROSOFT_TENANT") or "common",
        "MAIL_FETCH_INTERVAL": _int(environ, "MAIL_FETCH_INTERVAL", 60),
        "MAIL_FETCH_BATCH": _int(environ, "MAIL_FETCH_BATCH", 50),
        "MAIL_IMPORT_DAYS": _int(environ, "MAIL_IMPORT_DAYS", 7),
        "MAIL_SOCKET_TIMEOUT": _int(environ, "MAIL_SOCKET_TIMEOUT", 30),
        "MAIL_SEND_LIMIT_PER_HOUR": _int(environ, "MAIL_SEND_LIMIT_PER_HOUR", 200),
        "TRIAL_DAYS": _int(environ, "TRIAL_DAYS", 14),
        "TERMS_VERSION": environ.get("TERMS_VERSION", "2026-11-01"),
        "SIGNUP_MIN_SECONDS": _int(environ, "SIGNUP_MIN_SECONDS", 3),
        "SESSION_IDLE_HOURS": _int(environ, "SESSION_IDLE_HOURS", 24),
        "REMEMBER_ME_DAYS": _int(environ, "REMEMBER_ME_DAYS", 30),
        "RATELIMIT_ENABLED": environ.get("RATELIMIT_ENABLED", "1") != "0",
        "MAX_UPLOAD_MB": _int(environ, "MAX_UPLOAD_MB", 25),
        "DB_POOL_SIZE": _int(environ, "DB_POOL_SIZE", 20),
        "STORAGE_DIR": environ.get("STORAGE_DIR") or str(INSTANCE_DIR / "storage"),
        "TAX_RATE_BP": _percent_bp(environ, "TAX_RATE", "0"),  # TAX_RATE percent, on every invoice (R8)
        "INVOICE_SELLER": environ.get("INVOICE_SELLER") or "Helpdesk operator (set INVOICE_SELLER)",
        # Card payments through Stripe Checkout; unset: the built-in test provider (refused in production).
        "STRIPE_SECRET_KEY": environ.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": environ.get("STRIPE_WEBHOOK_SECRET") or None,
        # Printed on invoices paid by bank transfer, lines separated by ';'; unset: no bank transfer.
        "BANK_DETAILS": [line.strip() for line in environ.get("BANK_DETAILS", "").split(";") if line.strip()],
        "REFUND_PARTIAL_MONTHS": environ.get("REFUND_PARTIAL_MONTHS", "0") == "1",  # R12: refund part months
        # s3://bucket/prefix: stored files go to an S3-compatible bucket instead of STORAGE_DIR.
        "STORAGE_URL": environ.get("STORAGE_URL") or None,
        "S3_ENDPOINT_URL": environ.get("S3_ENDPOINT_URL") or None,  # unset: AWS S3 itself
        "S3_ACCESS_KEY_ID": environ.get("S3_ACCESS_KEY_ID") or None,  # unset: boto3's own credential chain
        "S3_SECRET_ACCESS_KEY": environ.get("S3_SECRET_ACCESS_KEY") or None,
        "S3_REGION": environ.get("S3_REGION") or None,
        # What a help center's custom domain must be a CNAME of; unset: BASE_URL's host name.
        "CUSTOM_DOMAIN_TARGET": (environ.get("CUSTOM_DOMAIN_TARGET") or "").strip().rstrip(".").lower() or None,
    }
    config.update(overrides or {})
    if config["TRIAL_DAYS"] < 0:
        raise ConfigError("TRIAL_DAYS must not be negative")
    _check_url("DATABASE_URL", config["DATABASE_URL"], DATABASE_SCHEMES)
    _check_url("MAIL_URL", config["MAIL_URL"], MAIL_SCHEMES)
    _check_url("BASE_URL", config["BASE_URL"], ("http", "https"))
    if config["REDIS_URL"]:
        _check_url("REDIS_URL", config["REDIS_URL"], ("redis", "rediss", "unix"))
    _check_encryption_keys(config["ENCRYPTION_KEYS"])
    if bool(config["GOOGLE_CLIENT_ID"]) != bool(config["GOOGLE_CLIENT_SECRET"]):
        raise ConfigError("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together")
    if bool(config["MICROSOFT_CLIENT_ID"]) != bool(config["MICROSOFT_CLIENT_SECRET"]):
        raise ConfigError("MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET must be set together")
    for name in ("MAIL_FETCH_INTERVAL", "MAIL_FETCH_BATCH", "MAIL_SOCKET_TIMEOUT", "MAIL_SEND_LIMIT_PER_HOUR",
                 "SESSION_IDLE_HOURS", "REMEMBER_ME_DAYS"):
        if config[name] < 1:
            raise ConfigError(f"{name} must be at least 1")
    _check_storage(config, environ, production)
    if bool(config["STRIPE_SECRET_KEY"]) != bool(config["STRIPE_WEBHOOK_SECRET"]):
        raise ConfigError("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together")
    if production and not config["STRIPE_SECRET_KEY"]:
        raise ConfigError("STRIPE_SECRET_KEY is missing (required in production: the built-in test payment "
                          "provider takes no real money)")
    if production and config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise ConfigError("SECRET_KEY must not be the development default in production")

    https = config["BASE_URL"].startswith("https://")
    config.update(
        SESSION_COOKIE_SECURE=https,
        REMEMBER_COOKIE_SECURE=https,
        SESSION_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=timedelta(days=config["REMEMBER_ME_DAYS"]),  # as long as its session row
        PREFERRED_URL_SCHEME="https" if https else "http",
        MAX_CONTENT_LENGTH=config["MAX_UPLOAD_MB"] * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        RATELIMIT_STORAGE_URI=config["REDIS_URL"] or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
    )
    config.update(overrides or {})  # an explicit override beats a derived value, too
    return config
