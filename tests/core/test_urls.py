"""URLs kept once built are the URLs werkzeug builds, for each host, script root and set of values."""
from flask import request, url_for
from werkzeug.routing import MapAdapter

from helpdesk.core import urls
from helpdesk.core.urls import KeptURLAdapter


def _built(app, base_url, endpoint, **values):
    with app.test_request_context("/", base_url=base_url):
        return url_for(endpoint, **values)


def test_kept_urls_are_werkzeugs_for_each_host_script_root_and_values(app):
    cases = [
        ("http://localhost", "workspace.tickets.ticket_view", {"workspace_slug": "acme", "number": 7}),
        ("http://localhost", "workspace.tickets.ticket_view", {"workspace_slug": "acme", "number": 8}),
        ("http://localhost", "workspace.tickets.inbox_view", {"workspace_slug": "acme", "view": "a&b c", "after": 3}),
        ("http://localhost/desk", "workspace.tickets.inbox_view", {"workspace_slug": "acme"}),  # under a script root
        ("http://localhost", "workspace.tickets.inbox_view", {"workspace_slug": "acme", "_external": True}),
        ("https://localhost:8443", "workspace.tickets.inbox_view", {"workspace_slug": "acme", "_external": True}),
        ("http://localhost", "static", {"filename": "css/app.css"}),
    ]
    urls._built_urls.clear()
    first = [_built(app, base, endpoint, **values) for base, endpoint, values in cases]
    again = [_built(app, base, endpoint, **values) for base, endpoint, values in cases]
    assert first == again == [
        "/w/acme/tickets/7", "/w/acme/tickets/8", "/w/acme/tickets/?view=a%26b+c&after=3", "/desk/w/acme/tickets/",
        "http://localhost/w/acme/tickets/", "https://localhost:8443/w/acme/tickets/", "/static/css/app.css"]
    with app.test_request_context("/"):
        assert isinstance(app.create_url_adapter(request), KeptURLAdapter)
    unkept = app.url_map.bind("localhost")  # werkzeug's own adapter
    assert type(unkept) is MapAdapter and unkept.build("workspace.tickets.ticket_view", {"workspace_slug": "acme", "number": 7}) == first[0]


def test_lists_of_values_are_built_each_time_and_the_kept_urls_are_bounded(app, monkeypatch):
    monkeypatch.setattr(urls, "URLS_KEPT", 5)
    urls._built_urls.clear()
    with app.test_request_context("/"):
        assert url_for("workspace.tickets.inbox_view", workspace_slug="acme", tag=["a", "b"]) \
            == "/w/acme/tickets/?tag=a&tag=b"
        assert not urls._built_urls  # a list is not kept
        for number in range(20):
            assert url_for("workspace.tickets.ticket_view", workspace_slug="acme", number=number) \
                == f"/w/acme/tickets/{number}"
    assert 0 < len(urls._built_urls) <= 5


def test_a_custom_domain_builds_its_own_links_beside_the_services(app):
    """The same endpoint on the service's host and on a help center's own domain: each keeps its URL."""
    service = _built(app, "http://localhost", "helpcenter.home", help_slug="acme")
    assert service == "/h/acme/"
    custom_map_adapter = app.extensions["custom_host_map"].bind("help.acme.example")
    assert KeptURLAdapter(custom_map_adapter.map, "help.acme.example", "/", "", "http", "/", "GET", None).build(
        "helpcenter.home", {}) == "/"
    assert _built(app, "http://localhost", "helpcenter.home", help_slug="acme") == "/h/acme/"


def test_the_urlencode_filter_quotes_as_jinjas_and_keeps_texts(app):
    from flask import render_template_string

    source = "{{ 'a b&c/é'|urlencode }} {{ {'tag': 'x y'}|urlencode }} {{ 3|urlencode }}"
    with app.test_request_context():
        assert render_template_string(source) == "a%20b%26c/%C3%A9 tag=x+y 3"
        assert render_template_string(source) == "a%20b%26c/%C3%A9 tag=x+y 3"
    assert urls._quoted_text.cache_info().hits >= 1
