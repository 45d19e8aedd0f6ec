"""Serving a help center on its verified custom domain, at `/` instead of `/h/<slug>/`.

A request whose Host is not the service's (BASE_URL's host name; also `localhost` and IP addresses, as a
load balancer's health check or a local run uses) is a custom-host request. The app matches it against
a URL map of its own (`custom_host_map`), built once from the app's map: the help center's rules with
`/h/<help_slug>` cut off, plus the static files and `/healthz`. Nothing else exists there, so the agents'
app, /operator and every other route answer 404 by construction, and `url_for` builds the help center's
links without the prefix (the slug is not filled in there). A link to a page of the service itself (the
agents' sign-in...) is built as an absolute URL on BASE_URL by `build_on_service_host`.

Which help center a host serves is read by `scope.load_help_center_of_host`, before any other hook: an
unknown or not yet verified host answers 404.
"""
import ipaddress
from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request
from werkzeug.routing import Map, Rule

PREFIX = "/h/<help_slug>"
ENVIRON_KEY = "helpdesk.custom_host"  # the request's host name, when it is a custom host
SHARED_ENDPOINTS = ("static", "health.healthz")
FLASK_ARGUMENTS = ("_anchor", "_method", "_scheme", "_external")
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # as flask.url_for quotes an anchor


def custom_host_map(url_map):
    """The help center's rules without their /h/<help_slug> prefix, with the static files and /healthz."""
    rules = []
    for rule in url_map.iter_rules():
        if rule.endpoint.startswith("helpcenter.") and rule.rule.startswith(PREFIX):
            rules.append(Rule(rule.rule[len(PREFIX):] or "/", **rule.get_empty_kwargs()))
        elif rule.endpoint in SHARED_ENDPOINTS:
            rules.append(rule.empty())
    return Map(rules, converters=url_map.converters, strict_slashes=url_map.strict_slashes,
               merge_slashes=url_map.merge_slashes)


def hostname_of(host):
    """'Help.Example.com:8443' -> 'help.example.com'; '[::1]:5000' -> '::1'."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host.rstrip(".")


def is_service_host(hostname, config):
    if hostname in ("localhost", (urlsplit(config["BASE_URL"]).hostname or "").lower()):
        return True
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def custom_host_adapter(app, request):
    """The URL adapter of a custom-host request (its host name kept in the environ), else None."""
    hostname = hostname_of(request.host).rstrip(".")
    if is_service_host(hostname, app.config):
        return None
    request.environ[ENVIRON_KEY] = hostname
    return app.extensions["custom_host_map"].bind_to_environ(request.environ, server_name=None, subdomain="")


def custom_host(request):
    """The request's custom host name, or None on the service's host (and outside a request)."""
    return request.environ.get(ENVIRON_KEY) if has_request_context() else None


def build_on_service_host(error, endpoint, values):
    """On a custom host, a page of the service (not of the help center) is linked on BASE_URL."""
    if not custom_host(request) or endpoint.startswith("helpcenter."):
        return None
    base = current_app.config["BASE_URL"]
    # Flask hands its own arguments back among the values: not query arguments ("?_external=False" was).
    anchor = values.get("_anchor")
    values = {key: value for key, value in values.items() if key not in FLASK_ARGUMENTS}
    url = base + current_app.url_map.bind(urlsplit(base).netloc).build(endpoint, values)
    return f"{url}#{quote(anchor, safe=ANCHOR_SAFE)}" if anchor else url
