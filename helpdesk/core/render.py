"""Render a full page, or only its partial for an htmx request."""
from flask import render_template

from helpdesk.extensions import htmx


def render(page, partial=None, status=200, **context):
    """`page` normally; `partial` when the request came from htmx and a partial is given."""
    template = partial if partial and htmx else page
    return render_template(template, **context), status
