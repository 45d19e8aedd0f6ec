"""Friendly error pages (HTML) for the status codes people meet."""
from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do that. Ask an admin of this workspace.",
    404: "There is nothing here. Check the address, or go back to your workspace.",
    413: "That upload is too large.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged; please try again.",
}


def register(app):
    def handle(error):
        code = getattr(error, "code", 500) or 500
        return render_template("errors/error.html", code=code, message=_(MESSAGES.get(code, MESSAGES[500]))), code

    for code in MESSAGES:
        app.register_error_handler(code, handle)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("This form has expired or was sent from elsewhere. Reload the page and try again.")
        return render_template("errors/error.html", code=400, message=message), 400
