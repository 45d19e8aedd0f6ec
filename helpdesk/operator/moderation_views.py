"""The console's moderation queue (`/operator/moderation`): reported and held suggestion posts and comments of
every workspace, with hide (a reason), delete (asked first) and dismiss. Rules in `operator/moderation.py`."""
from flask import abort, flash, g, redirect, render_template, request, url_for

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.operator import bp, moderation
from helpdesk.operator.console_forms import HideForm
from helpdesk.workspaces.forms import ConfirmForm

ITEM = "/moderation/<any(post, comment):kind>/<int:item_id>"


def _queue_page(status=200, hide_form=None, hide_item=None):
    before = request.args.get("before")
    items, older = moderation.moderation_queue(before=before)
    return render_template("operator/moderation.html", items=items, older=older, before=before, form=ConfirmForm(),
                           hide_form=hide_form or HideForm(formdata=None), hide_item=hide_item), status


def _back():
    """To the queue, on the page the action was taken from (its cursor travels in the form's action URL)."""
    before = request.args.get("before")
    return redirect(url_for("operator.moderation_page", before=before if moderation.decode_cursor(before) else None))


def _item_or_back(kind, item_id):
    try:
        return moderation.find_item(kind, item_id), None
    except moderation.ModerationGone as gone:
        flash(str(gone), "error")
        return None, _back()


@bp.route("/moderation")
def moderation_page():
    return _queue_page()


@bp.route(ITEM + "/hide", methods=["POST"])
def moderation_hide(kind, item_id):
    form = HideForm()
    if not form.validate_on_submit():
        return _queue_page(422, hide_form=form, hide_item=(kind, item_id))
    row, gone = _item_or_back(kind, item_id)
    if gone:
        return gone
    moderation.hide(g.operator, row, form.reason.data, now=utcnow())
    flash(_("Hidden: only its author sees it now, with your reason; the reports are resolved."), "success")
    return _back()


@bp.route(ITEM + "/delete", methods=["GET", "POST"])
def moderation_delete(kind, item_id):
    """GET asks first (showing what goes); POST deletes."""
    form = ConfirmForm()
    if request.method == "GET":
        try:
            row = moderation.find_item(kind, item_id)
        except moderation.ModerationGone:
            abort(404)
        return render_template("operator/moderation_delete.html", kind=kind, row=row, form=form)
    if not form.validate_on_submit():
        abort(400)
    row, gone = _item_or_back(kind, item_id)
    if gone:
        return gone
    moderation.delete(g.operator, row, now=utcnow())
    flash(_("The post is deleted with its votes and comments.") if kind == moderation.POST
          else _("The comment is deleted: its words are erased, its replies stay."), "success")
    return _back()


@bp.route(ITEM + "/dismiss", methods=["POST"])
def moderation_dismiss(kind, item_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    row, gone = _item_or_back(kind, item_id)
    if gone:
        return gone
    resolved, released = moderation.dismiss(g.operator, row, now=utcnow())
    flash(_("Published: it no longer waits for review.") if released
          else _("Dismissed: %(n)d report(s) resolved; it stays as it was.", n=resolved), "success")
    return _back()
