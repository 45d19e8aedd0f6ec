"""The public help center at /h/<slug>/: home, branding, end-user accounts, "My requests", contact form.

`scope.py` loads the workspace for every public route; `helpdesk/help_center_pages.py` nests the
other public blueprints (the knowledge base's) under it.
"""
from helpdesk.helpcenter.scope import helpcenter_bp

bp = helpcenter_bp

__all__ = ["bp"]
