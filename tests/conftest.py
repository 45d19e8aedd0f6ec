"""Shared fixtures: the app on a fresh database, a client, sign-in, captured mail, jobs.

The database is a SQLite file in a temp folder, or the PostgreSQL database named
by `DATABASE_URL`; jobs run in-process, or on the Redis named by `REDIS_URL`
(then `drain_jobs()` runs them with a burst worker). Every test starts with
empty tables.
"""
import email
import os
import re
from email import policy

import pytest

from helpdesk import create_app
from helpdesk.cli import migration_runner
from helpdesk.extensions import db, is_postgres, limiter
from helpdesk.jobs import queue
from helpdesk.models import all_models
from tests.browser import browser, live_server, new_page, server_url, shots  # noqa: F401  (fixtures)
from tests.factories import DEFAULT_PASSWORD, add_dovecot_mailbox
from tests.s3_server import s3_server, suite_storage_settings, use_storage  # noqa: F401  (fixtures)
from tests.servers import dovecot, imap_account, smtp_server  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def app(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("app")
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/test.sqlite3",
        "MAIL_URL": f"file://{folder}/outbox",
        "OUTBOX_DIR": folder / "outbox",
        "STORAGE_DIR": str(folder / "storage"),
        "SIGNUP_MIN_SECONDS": 0,
        "QUEUE_NAME": f"helpdesk-test-{os.getpid()}",
        "BASE_URL": "http://localhost",
        **suite_storage_settings(request),  # TEST_STORAGE=s3: the S3 backend for every test
    })
    with app.app_context(), db.database.connection_context():
        migration_runner().up()
    return app


@pytest.fixture(autouse=True)
def _clean_state(app):
    """A database connection per test; tables emptied afterwards.

    No app context is held during the test: requests of the test client must
    each get their own (a shared one would share `g`, and with it the signed-in user).
    """
    db.database.connect(reuse_if_open=True)
    with app.app_context():
        limiter.reset()
    yield
    _empty_tables()
    for path in app.config["OUTBOX_DIR"].glob("*.eml"):
        path.unlink()
    if not db.database.is_closed():
        db.database.close()


@pytest.fixture
def app_context(app):
    """For tests that call jobs or mail functions directly."""
    with app.app_context():
        yield


def _empty_tables():
    tables = [model._meta.table_name for model in reversed(all_models())]
    if not is_postgres():
        with db.database.atomic():
            for table in [*tables, "ticket_search", "search_term"]:  # the search tables are not models
                db.database.execute_sql(f'DELETE FROM "{table}"')
    else:
        db.database.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


@pytest.fixture
def make_app(app):
    """Build another app with `overrides`; the shared database binding is restored afterwards."""
    # The extensions are shared: keep the same database and rate-limit storage.
    shared = {key: app.config[key] for key in ("DATABASE_URL", "RATELIMIT_STORAGE_URI")}
    yield lambda **overrides: create_app({**shared, **overrides})
    db.database.initialize(app.config["DATABASE"])


@pytest.fixture
def client(app):
    return app.test_client()


def drain_jobs():
    """Run every queued job now (a no-op when jobs run in-process)."""
    rq_queue = queue()
    if rq_queue is not None:
        from rq import SimpleWorker

        SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=True)


def sent_mail(app, to=None):
    """Messages delivered to the outbox, oldest first, optionally only those to `to`."""
    with app.app_context():
        drain_jobs()
    paths = sorted(app.config["OUTBOX_DIR"].glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]
    return [m for m in messages if to is None or m["To"] == to]


def link_in(message):
    """The first http link in the plain-text part of a message."""
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+", text).group(0)


def csrf_token(client):
    """The CSRF token of the client's session (taken from a page's form)."""
    page = client.get("/signin").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(client, user, password=DEFAULT_PASSWORD):
    """Sign `user` in through the real form."""
    response = client.post("/signin", data={"csrf_token": csrf_token(client), "email": user.email,
                                            "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def post(client, url, data=None, **kwargs):
    """POST a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


@pytest.fixture
def connect_mailbox(app, dovecot, imap_account, smtp_server):
    """`connect_mailbox(workspace)`: the workspace gets a mailbox whose replies reach `smtp_server`."""
    def connect(workspace):
        with app.app_context():
            return add_dovecot_mailbox(workspace, dovecot, imap_account, smtp_server)
    return connect
