"""Knowledge base: categories and articles. Agents edit at /w/<slug>/knowledge/; visitors read at /h/<slug>/.

`bp` (agents) is nested under the workspace blueprint by `workspace_pages.py`; `public_bp` ("kb") under
the help center's blueprint by `help_center_pages.py`.
"""
from flask import Blueprint, abort, g

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")
public_bp = Blueprint("kb", __name__)


def found_or_404(lookup, *args, **kwargs):
    """`lookup(g.workspace, ...)` (a services or pages read that raises LookupError), or a 404 answer."""
    try:
        return lookup(g.workspace, *args, **kwargs)
    except LookupError:
        abort(404)
