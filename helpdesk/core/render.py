"""Render a full page, or only its partial for an htmx request."""
from flask import render_template

from helpdesk.extensions import htmx


def render(page_template, partial_template=None, /, status=200, **context):
    """The page normally; the partial when the request came from htmx and a partial is given."""
    template = partial_template if partial_template and htmx else page_template
    return render_template(template, **context), status
