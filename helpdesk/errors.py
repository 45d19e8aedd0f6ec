"""Friendly error pages (HTML) for the status codes people meet, inside the app's layout."""
from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from helpdesk.core.clock import utcnow

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do that. Ask an admin of this workspace.",
    404: "There is nothing here. Check the address, or go back to your workspace.",
    413: "That upload is larger than %(size)d MB, the limit for one message with its files. Nothing was sent: "
         "go back to the form and attach fewer or smaller files.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged; please try again.",
}


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
        code = getattr(error, "code", 500) or 500
        if code < 500:  # a server error may come from the database: ask it nothing more
            _workspace_navigation()
        message = _(MESSAGES.get(code, MESSAGES[500]), size=upload_limit_mb())
        return render_template("errors/error.html", code=code, message=message, back=_same_site_referrer()), code

    for code in MESSAGES:
        app.register_error_handler(code, handle)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        _workspace_navigation()
        message = _("This form has expired or was sent from elsewhere. Reload the page and try again.")
        return render_template("errors/error.html", code=400, message=message), 400
