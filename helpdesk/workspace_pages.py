"""Every page's route on its blueprint, and the `workspace` blueprint with each domain's pages under /w/<slug>/.

A domain's package defines its blueprint; its `views` module adds the routes
when imported here (not by the package itself, so that importing a domain's
models never pulls in views and the services they use). Assembled once, when
this module is first imported: a blueprint cannot take new children after an
app registered it, and tests build several apps.
"""
import helpdesk.accounts.account_views  # noqa: F401  (each views module registers its routes)
import helpdesk.accounts.views  # noqa: F401
import helpdesk.billing.public_views  # noqa: F401
import helpdesk.billing.views  # noqa: F401
import helpdesk.customers.organization_views  # noqa: F401
import helpdesk.customers.views  # noqa: F401
import helpdesk.knowledge.views  # noqa: F401
import helpdesk.mail.signature_views  # noqa: F401
import helpdesk.mail.views  # noqa: F401
import helpdesk.notifications.views  # noqa: F401
import helpdesk.operator.owner_views  # noqa: F401
import helpdesk.tickets.compose_views  # noqa: F401
import helpdesk.tickets.merge_views  # noqa: F401
import helpdesk.tickets.views  # noqa: F401
import helpdesk.workspaces.settings_views  # noqa: F401
import helpdesk.tickets.organize_views  # noqa: F401
import helpdesk.tickets.rows  # noqa: F401  (the list rows, a template global)
import helpdesk.workspaces.views  # noqa: F401
from helpdesk import billing, customers, knowledge, mail, notifications, tickets
from helpdesk.helpcenter import settings_views as helpcenter_settings
from helpdesk.operator import owner_bp as support_access
from helpdesk.suggestions import agent_views as suggestions_agents
from helpdesk.workspaces.scope import workspace_bp

for domain in (tickets, customers, mail, billing, knowledge, helpcenter_settings, notifications, suggestions_agents):
    workspace_bp.register_blueprint(domain.bp)
workspace_bp.register_blueprint(support_access)

__all__ = ["workspace_bp"]
