"""Every console views module, imported so that its routes attach to `helpdesk.operator.bp`.

To add console pages: write a views module whose routes are on `bp` (`from helpdesk.operator import bp`)
and import it here. The blueprint's guard (`access.guard_console`) covers them; actions they take on a
workspace go through `log.record_action`; their link goes into `templates/operator/_nav.html`.
"""
from helpdesk.operator import access, access_views, console_views, plan_views, support_views, workspace_views  # noqa: F401,E501
from helpdesk.operator import dashboard_views, notice_views  # noqa: F401  (dashboard, jobs, terms, announcements)
from helpdesk.operator import moderation_views  # noqa: F401
from helpdesk.operator import bp as operator_bp

__all__ = ["operator_bp"]
