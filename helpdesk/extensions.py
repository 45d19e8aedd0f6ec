"""Flask extensions, created unbound here and bound to the app in `create_app()`."""
from flask import g
from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from peewee import PostgresqlDatabase
from playhouse.db_url import parse as parse_url
from playhouse.postgres_ext import PooledPsycopg3Database
from playhouse.flask_utils import FlaskDB
from playhouse.pool import PooledSqliteDatabase

class RequestDatabase(FlaskDB):
    """FlaskDB's connection per request, reusing one already open in this thread.

    A job or test that holds a connection can then call into request code
    without "connection already open" errors; only the opener closes it.
    """

    def connect_db(self):
        # Also called early by hooks that query before before_request (url_value_preprocessor): keep "opened".
        g.db_opened_by_request = g.get("db_opened_by_request") or self.database.connect(reuse_if_open=True)

    def close_db(self, exc):
        if g.pop("db_opened_by_request", False) and not self.database.is_closed():
            self.database.close()


db = RequestDatabase()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
htmx = HTMX()
babel = Babel()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",  # readers never wait for the writer
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -64000,
}


def is_postgres():
    """True when the app's database is PostgreSQL (the search SQL and a few bulk statements differ)."""
    return isinstance(db.database.obj, PostgresqlDatabase)


def make_database(url, pool_size=20):
    """A peewee database for `url`: SQLite with sane pragmas, or PostgreSQL through psycopg 3, pooled.

    Both keep connections open between requests. On SQLite a new connection paid about 2 ms a request:
    its first statement reads the whole schema and closing it runs a WAL checkpoint, as much as a page.
    A pooled connection serves one thread at a time (hence check_same_thread=False).
    """
    if url.startswith("sqlite:///"):
        return PooledSqliteDatabase(url[len("sqlite:///"):], pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                                    max_connections=pool_size, stale_timeout=300, timeout=10)
    scheme = url.split("://", 1)[0]
    if scheme in ("postgres", "postgresql"):
        # PostgresqlExtDatabase on psycopg 3 (full-text search included).
        return PooledPsycopg3Database(**parse_url(url), max_connections=pool_size, stale_timeout=300,
                                      timeout=10)
    raise ValueError(f"unsupported database URL scheme {scheme!r}")
