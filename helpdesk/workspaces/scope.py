"""Tenant scoping, in one place (R6).

Every workspace page is registered under the `workspace` blueprint, mounted at
`/w/<workspace_slug>`. Its hooks pop the slug, require sign-in, load the
workspace and the current person's membership, and answer 404 when either is
missing, so another workspace's pages do not even admit they exist. Views then
read `g.workspace` and `g.membership` and query through `Model.of(g.workspace)`.
"""
from flask import Blueprint, abort, current_app, g
from flask_login import current_user

from helpdesk.extensions import login_manager
from helpdesk.workspaces.models import Membership, Workspace

workspace_bp = Blueprint("workspace", __name__, url_prefix="/w/<workspace_slug>")


@workspace_bp.url_value_preprocessor
def pop_workspace_slug(endpoint, values):
    g.workspace_slug = values.pop("workspace_slug", None) if values else None


@workspace_bp.before_request
def load_workspace():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    found = (Membership.select(Membership, Workspace).join(Workspace)
             .where(Workspace.slug == g.workspace_slug, Membership.user == current_user.id).first())
    if found is None or found.workspace.status == Workspace.CANCELLED:
        abort(404)
    g.membership, g.workspace = found, found.workspace
    found.user = current_user._get_current_object()


def add_workspace_slug(endpoint, values):
    """Fill in the current workspace when building a workspace URL without one."""
    if "workspace_slug" in values or not g.get("workspace"):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "workspace_slug"):
        values["workspace_slug"] = g.workspace.slug


def require_manager():
    """Stop with 403 unless the current member is the owner or an admin."""
    if not g.membership.can_manage_members:
        abort(403)
