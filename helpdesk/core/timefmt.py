"""How times are shown: one format everywhere, rendered on the server in the viewer's time zone.

Templates write `{{ ticket.updated_at|datetime }}` or `{{ customer.created_at|date }}` and get a
`<time>` element. Stored times are naive UTC; Flask-Babel converts them to the zone `time_zone()`
picks (the signed-in person's, else the workspace's default, else `BABEL_DEFAULT_TIMEZONE`) and
names the zone, so a reader never has to guess. No script rewrites a time, so a page reads the
same with or without JS.
"""
from datetime import timezone

import pytz
from flask import current_app, g, has_request_context
from flask_babel import format_datetime
from flask_login import current_user
from markupsafe import Markup

# The zones offered on the account and workspace settings pages (pytz's current, common names).
TIME_ZONES = tuple(pytz.common_timezones)
_KNOWN_ZONES = frozenset(TIME_ZONES)


def is_time_zone(name):
    return name in _KNOWN_ZONES


def time_zone():
    """Flask-Babel's time zone selector: the person's zone, else their workspace's default."""
    if has_request_context() and current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    workspace = g.get("workspace")
    return getattr(workspace, "timezone", None) or current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")


def locale():
    """Flask-Babel's locale selector: the person's language (only English is offered for now)."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")

DATETIME_FORMAT = "d MMM yyyy, HH:mm zzz"
DATE_FORMAT = "d MMM yyyy"


def _time_element(value, pattern):
    if value is None:
        return ""
    utc = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    machine = utc.isoformat().replace("+00:00", "Z")
    return Markup('<time datetime="{}">{}</time>').format(machine, format_datetime(utc, pattern))


def datetime_filter(value):
    """A stored time as `<time datetime="...Z">2 Dec 2026, 07:13 UTC</time>`."""
    return _time_element(value, DATETIME_FORMAT)


def date_filter(value):
    """A stored time's day only, as `<time datetime="...Z">2 Dec 2026</time>`."""
    return _time_element(value, DATE_FORMAT)


def register(app):
    """Make `|datetime` and `|date` available to every template."""
    app.add_template_filter(datetime_filter, "datetime")
    app.add_template_filter(date_filter, "date")
