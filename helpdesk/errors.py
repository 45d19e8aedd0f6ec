"""Friendly error pages (HTML) for the status codes people meet, inside the app's layout.

A public part of the site with a layout of its own (the help center) sets `g.error_layout` to an
`ErrorLayout` before anything can fail: the same handlers then render its template, with its wording
where the agents' one would not fit (no "your workspace" for a visitor).
"""
from dataclasses import dataclass, field

from flask import current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do that. Ask an admin of this workspace.",
    404: "There is nothing here. Check the address, or go back to your workspace.",
    413: "That upload is larger than %(size)d MB, the limit for one message with its files. Nothing was sent: "
         "go back to the form and attach fewer or smaller files.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged; please try again.",
}


@dataclass(frozen=True)
class ErrorLayout:
    template: str = "errors/error.html"
    messages: dict = field(default_factory=dict)  # code -> message, over MESSAGES


APP_LAYOUT = ErrorLayout()


def error_page(code, message=None):
    """The error page of `code` in the current layout; `message` (translated) or the layout's own."""
    layout = g.get("error_layout", APP_LAYOUT)
    if message is None:
        text = layout.messages.get(code) or MESSAGES.get(code, MESSAGES[500])
        message = _(text, size=upload_limit_mb())
    back = _same_site_referrer() if layout is APP_LAYOUT else None
    return render_template(layout.template, code=code, message=message, back=back), code


def upload_limit_mb():
    """The request size limit (`MAX_UPLOAD_MB`) in whole megabytes, as the forms state it."""
    return current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)


def _workspace_navigation():
    """Give an error met before the workspace hooks ran its workspace's navigation.

    A too-large upload is refused while the CSRF check reads the form, before `workspaces.scope`
    has loaded the workspace; the page should still look like the rest of the workspace.
    """
    from helpdesk.workspaces.services import may_write, memberships_of

    slug = g.get("workspace_slug")
    if not slug or g.get("workspace") is not None or not current_user.is_authenticated:
        return
    g.my_memberships = memberships_of(current_user.id)
    found = next((m for m in g.my_memberships if m.workspace.slug == slug), None)
    if found is not None:
        g.membership, g.workspace = found, found.workspace
        g.workspace_writable = may_write(found.workspace, now=utcnow())


def _same_site_referrer():
    """The page the person came from, when it is one of ours (a way back to the form)."""
    referrer = request.referrer or ""
    return referrer if referrer.startswith(request.host_url) else None


def register(app):
    app.add_template_global(upload_limit_mb)

    def handle(error):
        if getattr(error, "response", None) is not None:  # a page made for it (a rate limit met on a form)
            return error.response
        code = getattr(error, "code", 500) or 500
        if code < 500:  # a server error may come from the database: ask it nothing more
            _workspace_navigation()
        return error_page(code)

    for code in MESSAGES:
        app.register_error_handler(code, handle)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        _workspace_navigation()
        return error_page(400, _("This form has expired or was sent from elsewhere. Reload the page and try again."))
