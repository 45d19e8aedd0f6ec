"""How times are shown: one format everywhere, rendered on the server in the viewer's time zone.

Templates write `{{ ticket.updated_at|datetime }}` or `{{ customer.created_at|date }}` and get a
`<time>` element. Stored times are naive UTC; Flask-Babel converts them to its time zone
(`BABEL_DEFAULT_TIMEZONE` now, a per-person setting once a timezone selector exists) and names
the zone, so a reader never has to guess.
"""
from datetime import timezone

from flask_babel import format_datetime
from markupsafe import Markup

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
