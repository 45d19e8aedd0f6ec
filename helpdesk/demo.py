"""The demo workspace that `make run` creates: slug `demo`, an owner and an agent."""
from flask import current_app

from helpdesk.accounts.services import create_user, find_user
from helpdesk.core.clock import utcnow
from helpdesk.extensions import db
from helpdesk.workspaces.models import Membership, Role, Workspace
from helpdesk.workspaces.services import create_workspace

DEMO_LOGINS = [
    ("owner", "owner@demo.example", "demo-owner-pass"),
    ("agent", "agent@demo.example", "demo-agent-pass"),
]


def seed_demo():
    """Create the demo workspace and its people unless they exist. Returns True when created."""
    if Workspace.get_or_none(Workspace.slug == "demo"):
        return False
    now = utcnow()
    terms = current_app.config["TERMS_VERSION"]
    with db.database.atomic():
        owner = find_user("owner@demo.example") or create_user(
            "Olivia Owner", "owner@demo.example", "demo-owner-pass", now=now, terms_version=terms, verified=True)
        agent = find_user("agent@demo.example") or create_user(
            "Arthur Agent", "agent@demo.example", "demo-agent-pass", now=now, terms_version=terms, verified=True)
        workspace, _ = create_workspace(owner, "Demo", now=now, trial_days=current_app.config["TRIAL_DAYS"])
        Membership.create(workspace=workspace, user=agent, role=Role.AGENT, created_at=now)
    return True
