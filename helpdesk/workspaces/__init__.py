"""Workspaces: the tenant, its members, roles and invitations; `scope.py` guards every workspace page."""
from flask import Blueprint

from helpdesk.workspaces.scope import workspace_bp

# Public pages about workspaces (accepting an invitation) live outside /w/<slug>/.
public_bp = Blueprint("invitations", __name__)

__all__ = ["workspace_bp", "public_bp"]
