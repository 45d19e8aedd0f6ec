"""The operator console at /operator: the person who runs the service (R35, R36, R37).

`bp` is the console's one blueprint. Its guard (`helpdesk.operator.access.guard_console`, a
`before_request` hook of `bp`) runs before every route on it: signed in, an operator, and the
second factor passed in this very sign-in. A new console page is a route on `bp` in a views
module listed in `helpdesk/operator/pages.py`; it needs no guard of its own.
"""
from flask import Blueprint

bp = Blueprint("operator", __name__, url_prefix="/operator")
# The owner's side of support access and the workspace's audit log, under /w/<slug>/settings/
# (nested in workspace_pages.py).
owner_bp = Blueprint("support_access", __name__, url_prefix="/settings")
