"""The public suggestions board (R30, R31).

`board_bp` ("board") holds the public pages (`public.py`); `help_center_pages.py` nests it under the
help center's blueprint at /h/<slug>/suggestions/ (endpoints `helpcenter.board.*`).
"""
from flask import Blueprint

board_bp = Blueprint("board", __name__, url_prefix="/suggestions")
