"""How times are shown: one format everywhere, rendered on the server in the viewer's time zone.

Templates write `{{ ticket.updated_at|datetime }}` or `{{ customer.created_at|date }}` and get a
`<time>` element. Stored times are naive UTC; Flask-Babel converts them to the zone `time_zone()`
picks (the signed-in person's, else the workspace's default, else `BABEL_DEFAULT_TIMEZONE`) and
names the zone, so a reader never has to guess. No script rewrites a time, so a page reads the
same with or without JS.
"""
from datetime import date, datetime, timezone
from operator import attrgetter

import pytz
from babel import dates as babel_dates
from flask import current_app, g, has_app_context, has_request_context
from flask_babel import format_date, get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup, escape

from helpdesk.core.clock import utcnow
from helpdesk.core.kept import kept
from helpdesk.core.i18n import gettext

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


ZONE_SUFFIX = " zzz"
_zone_names = {}  # (zone, locale name, offset, dst): the zone's short name ("UTC", "CET", "+0530")
_compiled = {}  # (pattern, locale name): a function of a local time giving babel's text, or None (babel formats it)


def _field(field, width, locale):
    """A field of babel's pattern as (a %-format, the value it takes from a local time), or None."""
    if field == "M" and width > 2:
        found = babel_dates.get_month_names({3: "abbreviated", 4: "wide", 5: "narrow"}[width], "format", locale)
        names = ("", *(found[month] for month in range(1, 13)))  # babel's dict resolves its aliases on each read
        return "%s", lambda local: names[local.month]
    if field == "y" and width == 2:
        return "%02d", lambda local: local.year % 100
    attribute = {"d": "day", "M": "month", "y": "year", "H": "hour", "m": "minute"}.get(field)
    return None if attribute is None else (f"%0{width}d", attrgetter(attribute))


def _compile(pattern, locale):
    """`pattern` as a function of a local time giving what `babel.dates.format_datetime` gives, for the fields
    the app's patterns use (d, M, y, H, m: the day, month, year, hour and minute, as babel's DateTimeFormat
    writes them); None for any other field. Babel parses the pattern and looks the locale's names up on
    every call, which cost most of a page of 200 comments (bench/README.md, the suggestions board); here the
    pattern is one %-format of the fields' values."""
    text, values = [], []
    for kind, value in babel_dates.tokenize_pattern(pattern):
        if kind == "chars":
            text.append(value.replace("%", "%%"))
            continue
        compiled = _field(*value, locale)
        if compiled is None:
            return None
        text.append(compiled[0])
        values.append(compiled[1])
    template = "".join(text)
    return lambda local: template % tuple([value(local) for value in values])


def _zone_and_locale():
    """Flask-Babel's time zone and locale, and the locale's name (the caches' key: comparing babel Locales is
    slow), looked up once per app context as Flask-Babel caches them there too (its lookups cost a third of
    formatting a time)."""
    if not has_app_context():
        return get_timezone(), get_locale(), str(get_locale())
    found = g.get("_timefmt_zone_and_locale")
    if found is None:
        locale = get_locale()
        found = g._timefmt_zone_and_locale = (get_timezone(), locale, str(locale))
    return found


def _formatted(local, pattern, locale, locale_name):
    key = (pattern, locale_name)
    if key not in _compiled:
        _compiled[key] = _compile(pattern, locale)
    compiled = _compiled[key]
    return compiled(local) if compiled else babel_dates.format_datetime(local, pattern, locale=locale)


def format_datetime(utc, pattern):
    """An aware time in the viewer's time zone (Flask-Babel's) as `pattern`, as `flask_babel.format_datetime` does."""
    zone, locale, locale_name = _zone_and_locale()
    return _format_local(utc.astimezone(zone), pattern, locale, locale_name)


def _format_local(local, pattern, locale, locale_name):
    """A time already in the viewer's zone as `pattern`.

    A trailing `zzz` (the zone's short name) is taken from a cache: babel works it out anew on each call, and it
    cost two thirds of formatting a time, which a list of 25 tickets does 25 times (bench/README.md); the rest
    of the pattern is compiled once per locale (`_compile`)."""
    if not pattern.endswith(ZONE_SUFFIX):
        return _formatted(local, pattern, locale, locale_name)
    key = (local.tzinfo, locale_name, local.utcoffset(), local.dst())
    name = _zone_names.get(key)
    if name is None:
        name = _zone_names[key] = babel_dates.get_timezone_name(local, "short", locale=locale)
    return f"{_formatted(local, pattern[:-len(ZONE_SUFFIX)], locale, locale_name)} {name}"


def _time_element(value, pattern):
    if value is None:
        return ""
    utc = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    machine = utc.isoformat().replace("+00:00", "Z")
    return Markup(f'<time datetime="{machine}">{escape(format_datetime(utc, pattern))}</time>')


def datetime_filter(value):
    """A stored time as `<time datetime="...Z">2 Dec 2026, 07:13 UTC</time>`."""
    return _time_element(value, DATETIME_FORMAT)


def date_filter(value):
    """A stored time's day only, as `<time datetime="...Z">2 Dec 2026</time>`; a plain date is that day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), format_date(value, DATE_FORMAT))
    return _time_element(value, DATE_FORMAT)


SHORT_DATE_FORMAT = "d MMM"
RELATIVE_DAYS = 7  # older times show their day


def relative_words(value, now):
    """How long ago `value` was, in a few characters: "just now", "12 min ago", "3 h ago", "2 d ago"."""
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        return gettext("%(num)d min ago", num=seconds // 60)
    if seconds < 86400:
        return gettext("%(num)d h ago", num=seconds // 3600)
    return gettext("%(num)d d ago", num=seconds // 86400)


# A list's times as the viewer's zone and language show them (the exact time, the day, the machine's form), by
# stored time: the same tickets' times are shown again on every click of the inbox.
_list_texts = {}
LIST_TEXTS_KEPT = 20_000


def _list_time_texts(naive):
    zone, locale, locale_name = _zone_and_locale()

    def make():
        local = naive.replace(tzinfo=timezone.utc).astimezone(zone)
        exact, day = (escape(_format_local(local, pattern, locale, locale_name))
                      for pattern in (DATETIME_FORMAT, SHORT_DATE_FORMAT))
        return f"{naive.isoformat()}Z", exact, day

    return kept(_list_texts, (naive, zone, locale_name), LIST_TEXTS_KEPT, make)


def ago_filter(value, now=None):
    """`<time datetime="..Z" title="2 Dec 2026, 07:13 UTC">3 h ago</time>`: short for lists, exact on hover.

    Older than a week it shows the day ("2 Dec"), in the person's time zone like the title."""
    if value is None:
        return ""
    now = now or utcnow()
    naive = value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    machine, exact, day = _list_time_texts(naive)
    shown = escape(relative_words(naive, now)) if (now - naive).days < RELATIVE_DAYS else day
    return Markup(f'<time datetime="{machine}" title="{exact}">{shown}</time>')


def register(app):
    """Make `|datetime`, `|date` and `|ago` available to every template."""
    app.add_template_filter(datetime_filter, "datetime")
    app.add_template_filter(date_filter, "date")
    app.add_template_filter(ago_filter, "ago")
