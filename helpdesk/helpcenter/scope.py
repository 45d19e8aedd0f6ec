"""The public help center's scoping, in one place: every route under `/h/<help_slug>/`, and every route of
a help center's verified custom domain (`hosts.py`: the same pages at `/`).

Its hooks load the workspace from the slug (or the custom host) before anything else runs (the CSRF check
included) and answer 404 when there is no such workspace, when it is cancelled,
suspended or deleted (R19), or when its admins switched the help center off. They
set, for every public page and the blueprints nested under this one:

- `g.workspace`: the `Workspace`; `g.help_center`: its `HelpCenter` settings (unsaved defaults
  when never saved);
- `g.help_center_readonly`: True when the workspace may not write (R13, lapsed): pages stay
  readable, forms are replaced by a notice (`helpcenter/_macros.html: form_or_notice`) and
  every POST is refused here, before any view runs;
- `g.knowledge_public`: False when the knowledge base is internal-only;
- `g.knowledge_stamp`: (version, changed_at) of the knowledge base, read by the same query (`knowledge.caching`);
- `g.end_user`: the signed-in `EndUser` of this workspace, or None.

Error pages under this blueprint are the app's (`helpdesk/errors.py`) in the help center's layout
(`g.error_layout`), never with the agents' navigation.
"""
from flask import Blueprint, abort, g, redirect, request, session
from peewee import JOIN

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.selects import PreparedSelect
from helpdesk.errors import ErrorLayout, error_page
from helpdesk.extensions import db, htmx
from helpdesk.helpcenter.accounts import end_user_of_session, session_key
from helpdesk.helpcenter.domains import public_url
from helpdesk.helpcenter.hosts import custom_host
from helpdesk.helpcenter.models import HelpCenter
from helpdesk.knowledge.models import KnowledgeStamp
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import may_write
from helpdesk.workspaces.settings import moved_path, redirect_target

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
OFFLINE = (Workspace.CANCELLED, Workspace.SUSPENDED, Workspace.DELETED)
# Posts a read-only help center still takes: signing out and unsubscribing change nothing of the workspace.
ALLOWED_WHEN_READ_ONLY = {"helpcenter.sign_out", "helpcenter.sign_out_everywhere", "helpcenter.suggestion_unsubscribe"}

helpcenter_bp = Blueprint("helpcenter", __name__, url_prefix="/h/<help_slug>")

# The app's error pages (helpdesk/errors.py) in the help center's layout, worded for visitors.
ERROR_LAYOUT = ErrorLayout("helpcenter/error.html", {
    403: "That is not allowed here.",
    404: "There is nothing here. Check the address.",
    413: "That upload is larger than %(size)d MB. Nothing was sent: go back and attach fewer or smaller files.",
    429: "Too many attempts. Please wait a few minutes and try again.",
})


def _help_center_query(settings_join=JOIN.LEFT_OUTER):
    """The workspace with its settings as `.help_center` (None when never saved) and its knowledge base's
    stamp as `.stamp` (the public pages' ETag, read here rather than in a query of its own)."""
    return (Workspace.select(Workspace, HelpCenter, KnowledgeStamp.id, KnowledgeStamp.version,
                             KnowledgeStamp.changed_at)
            .join(HelpCenter, settings_join, on=(HelpCenter.workspace == Workspace.id), attr="help_center")
            .switch(Workspace)
            .join(KnowledgeStamp, JOIN.LEFT_OUTER, on=(KnowledgeStamp.workspace == Workspace.id), attr="stamp"))


# Built once (core/selects.py): peewee's text for this SELECT costs five times what running it does.
_BY_SLUG = PreparedSelect(lambda slug: _help_center_query().where(Workspace.slug == slug).limit(1), 1)
_BY_DOMAIN = PreparedSelect(lambda host: _help_center_query(JOIN.INNER).where(
    HelpCenter.domain == host, HelpCenter.domain_verified_at.is_null(False)).limit(1), 1)


def help_center_by_slug(slug):
    """The workspace of `slug` with its settings and stamp (`_help_center_query`): one query."""
    return _BY_SLUG.first(slug)


def help_center_by_domain(host):
    """The workspace whose help center verified the custom domain `host`, with its settings and stamp: one query."""
    return _BY_DOMAIN.first(host)


@helpcenter_bp.app_url_value_preprocessor
def load_help_center_of_host(endpoint, values):
    """A request on a custom domain (`hosts.py`), whatever its route: the help center of that verified host, or 404.

    App-wide and first of all hooks, so that an unknown host, or a path that is no help-center page there,
    answers 404 in the help center's layout and no other hook (CSRF included) runs before it.
    """
    host = custom_host(request)
    if host is None:
        return
    g.error_layout = ERROR_LAYOUT
    if endpoint == "health.healthz":  # a load balancer may ask under any name
        return
    db.connect_db()  # see load_help_center
    open_help_center(help_center_by_domain(host))


@helpcenter_bp.url_value_preprocessor
def load_help_center(endpoint, values):
    """Runs before every before_request hook (CSRF too), so even a refused form gets a branded page."""
    g.error_layout = ERROR_LAYOUT  # before the first abort: even "not found" is the help center's page
    if custom_host(request):
        return  # loaded from the host by load_help_center_of_host
    slug = values.pop("help_slug", None) if values else None
    db.connect_db()  # before the request's own hook: a connection opened by the query below would never close
    found = help_center_by_slug(slug) if slug else None
    if found is None and slug:
        moved = redirect_target(slug)  # a former address (workspaces.settings): 301 to the new one
        if moved is not None:
            query = f"?{request.query_string.decode()}" if request.query_string else ""
            abort(redirect(moved_path(request.path, "h", slug, moved.slug) + query, 301))
    open_help_center(found)


def open_help_center(found):
    """Set the request's help center (see the module's docstring), or 404: none, offline (R19) or switched off."""
    if found is None or found.status in OFFLINE:
        abort(404)
    workspace, settings = found, getattr(found, "help_center", None) or HelpCenter(workspace=found)
    if not settings.enabled:
        abort(404)
    settings.workspace = workspace  # no second query for the title
    g.workspace, g.help_center = workspace, settings
    stamp = getattr(found, "stamp", None)
    g.knowledge_stamp = (stamp.version, stamp.changed_at) if stamp is not None and stamp.id else (0, None)
    g.help_center_readonly = not may_write(workspace, now=utcnow())
    g.knowledge_public = not settings.knowledge_internal
    # No query for a visitor who never signed in here (public pages stay cheap and cacheable).
    key = session.get(session_key(workspace))
    g.end_user = end_user_of_session(workspace, key, now=utcnow()) if key else None


@helpcenter_bp.before_request
def refuse_posts_when_read_only():
    if g.help_center_readonly and request.method not in SAFE_METHODS \
            and request.endpoint not in ALLOWED_WHEN_READ_ONLY:
        return refuse_write()


READ_ONLY_NOTICE = "This help center is read-only for now: nothing can be sent. Please come back later."


def refuse_write():
    """R13: a read-only help center takes no post; the visitor is told so in one sentence."""
    message = _(READ_ONLY_NOTICE)
    if htmx:
        return message, 403
    return error_page(403, message)


@helpcenter_bp.app_template_global()
def public_url_for(endpoint, **values):
    """A page's public address (its canonical URL): on the verified custom domain, else under /h/<slug>/."""
    return public_url(g.help_center, endpoint, **values)


@helpcenter_bp.url_defaults
def add_help_slug(endpoint, values):
    """Fill in the current help center when building one of its URLs (nested blueprints too); on its
    custom domain its links have no slug."""
    if not endpoint.startswith("helpcenter.") or not g.get("workspace"):
        return
    if custom_host(request):
        if values.get("help_slug") == g.workspace.slug:
            del values["help_slug"]
    elif "help_slug" not in values:
        values["help_slug"] = g.workspace.slug
