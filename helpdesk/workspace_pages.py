"""The `workspace` blueprint with each domain's pages nested under /w/<slug>/.

Assembled once, when this module is first imported: a blueprint cannot take new
children after an app registered it, and tests build several apps.
"""
from helpdesk import customers, mail, tickets
from helpdesk.workspaces.scope import workspace_bp

for domain in (tickets, customers, mail):
    workspace_bp.register_blueprint(domain.bp)

__all__ = ["workspace_bp"]
