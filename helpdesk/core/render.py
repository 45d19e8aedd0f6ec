"""Render a full page, or only its partial for an htmx request."""
from flask import render_template

from helpdesk.extensions import htmx


def render(page_template, partial_template=None, /, status=200, **context):
    """The page normally; the partial when the request came from htmx and a partial is given.

    htmx restoring a pushed URL it kept no snapshot of (Back after `hx-push-url`) asks for the whole page.
    """
    partial = partial_template and htmx and not htmx.history_restore_request
    template = partial_template if partial else page_template
    return render_template(template, **context), status
