"""Absolute links for emails, built on `BASE_URL` rather than the request's host; a request for jobs; the
URLs a worker has built, kept."""
from contextlib import contextmanager
from functools import lru_cache

from flask import current_app, has_request_context, url_for
from jinja2.filters import do_urlencode
from werkzeug.routing import MapAdapter

from helpdesk.core.kept import kept


@contextmanager
def request_context():
    """The current request, or in a job an empty one on `BASE_URL`, so that `url_for()` and
    templates (whose context processors expect a request) work as they do in a page."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield


def external_url(endpoint, **values):
    """`BASE_URL` + the path of `endpoint`: safe to mail, whatever Host header came in; works in jobs too."""
    with request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)


# Every agent page builds 30 to 50 links (the menu, the static files, a ticket's forms), each a walk through
# werkzeug's rules; most are the same on every request of a workspace.
KEPT_VALUE_TYPES = (str, int, type(None))
URLS_KEPT = 50_000  # bounded: the Host header and the values come from requests
_built_urls = {}


class KeptURLAdapter(MapAdapter):
    """werkzeug's MapAdapter, keeping what `build` returned for the same map, host, script root, endpoint
    and values (text and numbers only), as building is a function of exactly these."""

    def build(self, endpoint, values=None, method=None, force_external=False, append_unknown=True,
              url_scheme=None):
        arguments = (endpoint, values, method, force_external, append_unknown, url_scheme)
        if values and (type(values) is not dict or any(type(v) not in KEPT_VALUE_TYPES for v in values.values())):
            return super().build(*arguments)
        key = (self.map, self.server_name, self.script_name, self.subdomain, self.url_scheme, endpoint,
               tuple(values.items()) if values else (), method, force_external, append_unknown, url_scheme)
        return kept(_built_urls, key, URLS_KEPT, lambda: super(KeptURLAdapter, self).build(*arguments))


def keeping_urls(adapter):
    """The same binding of the same map as `adapter`, keeping the URLs it builds (None stays None)."""
    if adapter is None:
        return None
    return KeptURLAdapter(adapter.map, adapter.server_name, adapter.script_name, adapter.subdomain,
                          adapter.url_scheme, adapter.path_info, adapter.default_method, adapter.query_args)


@lru_cache(maxsize=4096)
def _quoted_text(text):
    return do_urlencode(text)


def urlencode_filter(value):
    """Jinja's `urlencode`, a text's result kept: the inbox's sidebar quotes the same 30 tag names each time."""
    return _quoted_text(value) if type(value) is str else do_urlencode(value)


def register(app):
    app.add_template_filter(urlencode_filter, "urlencode")
