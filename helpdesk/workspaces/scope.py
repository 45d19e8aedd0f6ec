"""Tenant scoping, in one place (R6).

Every workspace page is registered under the `workspace` blueprint, mounted at
`/w/<workspace_slug>`. Its hooks pop the slug, require sign-in, load the
workspace and the current person's membership, and answer 404 when either is
missing, so another workspace's pages do not even admit they exist. Views then
read `g.workspace` and `g.membership` and query through `Model.of(g.workspace)`.
"""
from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.extensions import htmx, login_manager
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import may_write, memberships_of
from helpdesk.workspaces.settings import moved_path, redirect_target

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Writes a read-only workspace still allows (R13): managing members (to fit the seats it will
# pay for), leaving, saying who is looking at a ticket, and paying.
ALLOWED_WHEN_READ_ONLY = {
    "workspace.invite", "workspace.revoke_invitation", "workspace.change_role", "workspace.remove_member",
    "workspace.transfer_ownership", "workspace.tickets.presence",
    "workspace.billing.buy", "workspace.billing.add_seats", "workspace.billing.pay_invoice", "workspace.billing.cancel",
}

workspace_bp = Blueprint("workspace", __name__, url_prefix="/w/<workspace_slug>")


@workspace_bp.url_value_preprocessor
def pop_workspace_slug(endpoint, values):
    g.workspace_slug = values.pop("workspace_slug", None) if values else None


@workspace_bp.before_request
def load_workspace():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    # All of the person's memberships in one query: the workspace switcher shows them on the same page.
    g.my_memberships = memberships_of(current_user.id)
    found = next((m for m in g.my_memberships if m.workspace.slug == g.workspace_slug), None)
    if found is None:
        return _redirect_former_slug()
    if found.workspace.status == Workspace.CANCELLED:
        abort(404)
    g.membership, g.workspace = found, found.workspace
    found.user = current_user._get_current_object()
    g.workspace_writable = may_write(found.workspace, now=utcnow())
    if not g.workspace_writable and request.method not in SAFE_METHODS \
            and request.endpoint not in ALLOWED_WHEN_READ_ONLY:
        return refuse_write()


def _redirect_former_slug():
    """A former address of one of the person's workspaces leads to its new one (301); anything else is 404."""
    moved = redirect_target(g.workspace_slug)
    if moved is None or not any(m.workspace.id == moved.id for m in g.my_memberships):
        abort(404)
    path = moved_path(request.path, "w", g.workspace_slug, moved.slug)
    return redirect(path + (f"?{request.query_string.decode()}" if request.query_string else ""), 301)


def refuse_write():
    """R13: a read-only workspace changes nothing; the person sees why (the banner says it too)."""
    message = _("This workspace is read-only until a plan is paid: nothing was changed.")
    if htmx:
        return message, 403
    flash(message, "error")
    return redirect(request.referrer or url_for("workspace.home"))


def add_workspace_slug(endpoint, values):
    """Fill in the current workspace when building a workspace URL without one."""
    # Every endpoint of the workspace blueprint (nested ones too) takes the slug.
    if endpoint.startswith("workspace.") and "workspace_slug" not in values and g.get("workspace"):
        values["workspace_slug"] = g.workspace.slug


def require_manager():
    """Stop with 403 unless the current member is the owner or an admin."""
    if not g.membership.can_manage_members:
        abort(403)
