"""What the operator's decisions show owners and admins inside the app: the new terms an owner must
accept before anything else (R37), and the announcement banner they can dismiss.

The hooks attach to the `workspace` blueprint (imports point one way: the operator knows the
workspaces, not the reverse), so they are imported before that blueprint is registered.
"""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from helpdesk.core.clock import utcnow
from helpdesk.operator import announcements, terms
from helpdesk.operator.console_forms import AcceptTermsForm
from helpdesk.workspaces.forms import ConfirmForm
from helpdesk.workspaces.scope import workspace_bp

notices_bp = Blueprint("notices", __name__)
# The person (user id) whose terms were found current in this browser session. Signing in empties the
# session, so the latest terms are read once per sign-in (R37: "at their next sign-in"), not per request.
TERMS_CHECKED = "terms_checked_for"


@workspace_bp.before_request
def require_current_terms():
    """An owner whose accepted terms are older than the version in force accepts it first; admins and
    agents go on (runs after `scope.load_workspace`, which set `g.membership`). The check costs one
    query at an owner's first workspace page of a sign-in, then nothing: terms published meanwhile
    are asked for at the next sign-in."""
    membership = g.get("membership")
    if membership is None or not membership.is_owner or session.get(TERMS_CHECKED) == current_user.id:
        return None
    if terms.must_accept(current_user):
        return redirect(url_for("notices.accept_terms", next=request.full_path if request.method == "GET" else None))
    session[TERMS_CHECKED] = current_user.id
    return None


@workspace_bp.context_processor
def announcement_banner():
    """The banner: the newest announcement this person has not dismissed (one query, only on workspace
    pages and only for those who receive announcements)."""
    membership = g.get("membership")
    if membership is None or not membership.can_manage_members:
        return {"announcement_banner": None}
    if "announcement_banner" not in g:
        g.announcement_banner = announcements.banner_for(current_user.id, now=utcnow())
    # formdata=None: the form must not read the request's body, which may be the reason this page is
    # an error page (a 413 upload would raise again while the error page renders).
    return {"announcement_banner": g.announcement_banner, "dismiss_form": ConfirmForm(formdata=None)}


@notices_bp.route("/terms/accept", methods=["GET", "POST"])
@login_required
def accept_terms():
    from helpdesk.accounts.views import _safe_next, home_for

    latest = terms.must_accept(current_user)
    target = _safe_next(request.args.get("next")) or home_for(current_user)
    if latest is None:
        session[TERMS_CHECKED] = current_user.id
        return redirect(target)
    form = AcceptTermsForm(version=latest.version)
    if form.validate_on_submit():
        try:
            terms.accept(current_user, form.version.data, now=utcnow())
        except terms.TermsError as error:
            flash(str(error), "error")
            return redirect(url_for("notices.accept_terms", next=request.args.get("next")))
        session[TERMS_CHECKED] = current_user.id
        flash(f"Thank you: you accepted the terms, version {latest.version}.", "success")
        return redirect(target)
    return render_template("operator/accept_terms.html", form=form, terms=latest), 422 if form.errors else 200


@notices_bp.route("/announcements/<int:delivery_id>/dismiss", methods=["POST"])
@login_required
def dismiss_announcement(delivery_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    announcements.dismiss(current_user.id, delivery_id, now=utcnow())
    target = request.form.get("back", "")
    from helpdesk.accounts.views import _safe_next, home_for

    return redirect(_safe_next(target) or home_for(current_user))
