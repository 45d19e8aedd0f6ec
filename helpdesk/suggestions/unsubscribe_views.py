"""One-click unsubscribe from suggestion mail, at /h/<slug>/suggestions/unsubscribe/<token>, without signing in.

GET shows what the link stops and a button (mail scanners open links: they must not unsubscribe
anyone); POST stops it. The POST is what RFC 8058 mail clients send on their own
(`List-Unsubscribe=One-Click`, no cookie, no CSRF token), so it is exempt from CSRF: the signed
token is the proof, and it names one person of one workspace.
"""
from flask import g, render_template, request

from helpdesk.core.clock import utcnow
from helpdesk.extensions import csrf
from helpdesk.helpcenter.scope import helpcenter_bp as bp
from helpdesk.suggestions import notify


@bp.route("/suggestions/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def suggestion_unsubscribe(token):
    try:
        email, suggestion = notify.read_unsubscribe_token(g.workspace, token)
    except LookupError:
        return render_template("helpcenter/error.html", code=404,
                               message=_unknown_link_message()), 404
    done = request.method == "POST"
    if done:
        notify.unsubscribe(g.workspace, email, suggestion, now=utcnow())
    return render_template("suggestions/unsubscribe.html", email=email, suggestion=suggestion, done=done)


def _unknown_link_message():
    from helpdesk.core.i18n import gettext as _

    return _("This unsubscribe link is not valid here. Use the link of the email you received.")
