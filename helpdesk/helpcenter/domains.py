"""Where a help center lives: its links for emails."""
from helpdesk.core.urls import external_url


def public_url(help_center, endpoint, **values):
    """An absolute link to a help-center page, safe to mail (whatever Host header came in)."""
    return external_url(endpoint, help_slug=help_center.workspace.slug, **values)
