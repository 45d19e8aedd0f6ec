"""The public `helpcenter` blueprint (/h/<slug>/) with every public domain's pages nested under it.

Like `workspace_pages.py` for agents: a public domain defines its own blueprint (no url_prefix
of its own or a relative one such as "/articles"), its views module adds the routes when imported
here, and it is nested under `helpcenter_bp`, whose hooks (`helpcenter/scope.py`) load the
workspace and guard every route. Endpoints are then `helpcenter.<blueprint>.<view>`, and
`url_for` fills in the help center's slug by itself.
"""
import helpdesk.helpcenter.account_views  # noqa: F401  (each views module registers its routes)
import helpdesk.helpcenter.contact_views  # noqa: F401
import helpdesk.helpcenter.profile_views  # noqa: F401
import helpdesk.helpcenter.views  # noqa: F401
import helpdesk.knowledge.public  # noqa: F401
import helpdesk.suggestions.public  # noqa: F401
import helpdesk.suggestions.unsubscribe_views  # noqa: F401
from helpdesk import knowledge, suggestions
from helpdesk.helpcenter.scope import helpcenter_bp

helpcenter_bp.register_blueprint(knowledge.public_bp)
helpcenter_bp.register_blueprint(suggestions.board_bp)

__all__ = ["helpcenter_bp"]
