"""Knowledge base: categories and articles. Agents edit at /w/<slug>/knowledge/; visitors read at /h/<slug>/.

`bp` (agents) is nested under the workspace blueprint by `workspace_pages.py`; `public_bp` ("kb") under
the help center's blueprint by `help_center_pages.py`.
"""
from flask import Blueprint

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")
public_bp = Blueprint("kb", __name__)
