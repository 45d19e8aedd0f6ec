"""Workspaces: the tenant, its members, roles and invitations; `scope.py` guards every workspace page."""
from flask import Blueprint

from helpdesk.workspaces.scope import workspace_bp

# Public pages about workspaces (accepting an invitation) live outside /w/<slug>/.
public_bp = Blueprint("invitations", __name__)

from helpdesk.workspaces import views  # noqa: E402,F401  (routes register on the blueprints)

__all__ = ["workspace_bp", "public_bp"]
