"""HTTP caching of the public knowledge pages: ETag, Last-Modified, Cache-Control, and 304 without rendering.

A page's validator is computed from what it shows, before the view runs: the workspace's
`KnowledgeStamp` (moved by every change of articles or categories; read by the help center's own query,
`g.knowledge_stamp`), the help center's settings
(branding), the URL with its query, whether htmx asked for a partial, and the signed-in end user.
A matching `If-None-Match` (or, without one, a fresh `If-Modified-Since`) answers 304 at once.
Pages are `public, max-age=60` for visitors; `private` for a signed-in end user or when a flash
message waits in the session. Such pages leave the CSRF token out of `<body>` (`public_cache` in
templates/_body_attributes.html): a token tied to one session must not be stored by a shared cache.
"""
import hashlib
from functools import wraps

from flask import g, make_response, request, session

from helpdesk.extensions import htmx

MAX_AGE = 60


def _validators():
    version, changed_at = g.knowledge_stamp  # read with the help center by its scope (helpcenter/scope.py)
    # Unsaved default settings (never changed) date from the workspace's creation.
    settings_changed = g.help_center.updated_at if g.help_center.id else g.workspace.created_at
    end_user = g.get("end_user")
    key = "|".join(map(str, (g.workspace.id, version, settings_changed, request.full_path, bool(htmx),
                             end_user.id if end_user else "")))
    last_modified = max(filter(None, (changed_at, settings_changed)), default=None)
    return hashlib.sha256(key.encode()).hexdigest()[:32], last_modified


def _personal():
    return g.get("end_user") is not None or bool(session.get("_flashes"))


def _not_modified(etag, last_modified):
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return bool(since and last_modified and last_modified.replace(microsecond=0) <= since.replace(tzinfo=None))


def _headers(response, etag, last_modified, personal):
    response.set_etag(etag)
    if last_modified:
        response.last_modified = last_modified
    response.cache_control.max_age = MAX_AGE
    if personal:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.vary.update(("Cookie", "HX-Request"))
    return response


def cached_page(view):
    """Wrap a public GET view: 304 when the visitor's copy is current, else the page with validators."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        etag, last_modified = _validators()
        personal = _personal()
        if _not_modified(etag, last_modified):
            return _headers(make_response("", 304), etag, last_modified, personal)
        g.public_cache = not personal
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200:
            return response
        return _headers(response, etag, last_modified, personal)
    return wrapper

