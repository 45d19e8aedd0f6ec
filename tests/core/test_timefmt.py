"""Times are shown one way, on the server, with their zone named."""
from datetime import datetime, timedelta, timezone

from flask import render_template_string


def test_a_stored_time_renders_as_one_time_element_naming_its_zone(app):
    stored = datetime(2026, 3, 4, 9, 5)  # naive UTC, as the database holds it
    with app.test_request_context():
        html = render_template_string("{{ t|datetime }} / {{ t|date }} / {{ none|datetime }}.", t=stored, none=None)
    assert html == ('<time datetime="2026-03-04T09:05:00Z">4 Mar 2026, 09:05 UTC</time> / '
                    '<time datetime="2026-03-04T09:05:00Z">4 Mar 2026</time> / .')


def test_an_aware_time_is_shown_in_utc_too(app):
    aware = datetime(2026, 3, 4, 11, 5, tzinfo=timezone(timedelta(hours=2)))
    with app.test_request_context():
        html = render_template_string("{{ t|datetime }}", t=aware)
    assert html == '<time datetime="2026-03-04T09:05:00Z">4 Mar 2026, 09:05 UTC</time>'


def test_the_inbox_and_the_ticket_page_use_that_format(client):
    from tests.conftest import sign_in
    from tests.factories import make_ticket, make_workspace

    workspace = make_workspace(name="Acme")
    ticket = make_ticket(workspace, subject="Printer jam", now=datetime(2026, 3, 4, 9, 5))
    sign_in(client, workspace.membership_set.get().user)
    ticket_page = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}").get_data(as_text=True)
    assert '<time datetime="2026-03-04T09:05:00Z">4 Mar 2026, 09:05 UTC</time>' in ticket_page
    # The inbox is short ("3 h ago", or the day for older times) with that exact time on hover.
    inbox = client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)
    assert '<time datetime="2026-03-04T09:05:00Z" title="4 Mar 2026, 09:05 UTC">4 Mar</time>' in inbox


def test_the_zone_is_named_as_babel_names_it_in_winter_and_in_summer(app):
    from babel.dates import format_datetime as babel_format
    from babel.dates import get_timezone

    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Berlin"
    try:
        shown = []
        for stored in (datetime(2026, 1, 15, 9, 5), datetime(2026, 7, 15, 9, 5), datetime(2026, 1, 16, 9, 5)):
            with app.test_request_context():
                html = render_template_string("{{ t|datetime }}", t=stored)
            expected = babel_format(stored.replace(tzinfo=timezone.utc), "d MMM yyyy, HH:mm zzz",
                                    tzinfo=get_timezone("Europe/Berlin"), locale="en")
            assert html.endswith(f">{expected}</time>")  # the cached zone name is babel's for that date
            shown.append(expected)
        assert shown == ["15 Jan 2026, 10:05 +0100", "15 Jul 2026, 11:05 +0200", "16 Jan 2026, 10:05 +0100"]
    finally:
        app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"


def test_the_compiled_patterns_write_what_babel_writes_in_any_zone_and_language():
    import random

    import pytz
    from babel import Locale
    from babel.dates import format_datetime as babel_format

    from helpdesk.core import timefmt

    rng = random.Random(7)
    for language in ("en", "de", "fr", "ja", "ar", "ru", "pt_BR"):
        locale = Locale.parse(language)
        for pattern in (timefmt.DATETIME_FORMAT[:-len(timefmt.ZONE_SUFFIX)], timefmt.DATE_FORMAT,
                        timefmt.SHORT_DATE_FORMAT, "dd.MM.yy HH:mm", "d MMMM y"):
            for _ in range(40):
                utc = datetime(2001, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(30 * 525600))
                local = utc.astimezone(pytz.timezone(rng.choice(pytz.common_timezones)))
                assert timefmt._formatted(local, pattern, locale, language) == babel_format(local, pattern, locale=locale)
    assert timefmt._compile("EEEE d MMM", Locale.parse("en")) is None  # a field it does not know: babel writes it


def test_a_lists_time_kept_once_formatted_is_still_each_viewers_zone(app):
    stored, now = datetime(2026, 1, 15, 9, 5), datetime(2026, 1, 15, 12, 0)
    shown = []
    for zone in ("UTC", "Europe/Berlin", "UTC"):
        app.config["BABEL_DEFAULT_TIMEZONE"] = zone
        try:
            with app.test_request_context():
                shown.append(render_template_string("{{ t|ago(now) }}", t=stored, now=now))
        finally:
            app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    assert shown == ['<time datetime="2026-01-15T09:05:00Z" title="15 Jan 2026, 09:05 UTC">2 h ago</time>',
                     '<time datetime="2026-01-15T09:05:00Z" title="15 Jan 2026, 10:05 +0100">2 h ago</time>',
                     '<time datetime="2026-01-15T09:05:00Z" title="15 Jan 2026, 09:05 UTC">2 h ago</time>']
