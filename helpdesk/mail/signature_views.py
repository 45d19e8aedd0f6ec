"""Reply settings for owners and admins: the undo-send delay and each mailbox's signature (/w/<slug>/mailboxes/replies)."""
from flask import flash, g, redirect, render_template, request, url_for

from helpdesk.core.i18n import gettext as _
from helpdesk.mail import bp
from helpdesk.mail.models import Mailbox
from helpdesk.mail.signatures import MAX_SIGNATURE_CHARS, SignatureError, save_signature, signature_of

MAX_UNDO_SECONDS = 60


def _page(errors=None, values=None, status=200):
    mailboxes = list(Mailbox.of(g.workspace).order_by(Mailbox.address))
    values = values or {m.id: signature_of(g.workspace, mailbox=m.id) for m in mailboxes}
    return render_template("mail/replies.html", mailboxes=mailboxes, values=values, errors=errors or {},
                           undo_seconds=request.form.get("undo_send_seconds", g.workspace.undo_send_seconds),
                           max_undo=MAX_UNDO_SECONDS, max_chars=MAX_SIGNATURE_CHARS), status


@bp.route("/replies", methods=["GET", "POST"])
def reply_settings():
    if request.method == "GET":
        return _page()
    errors, values = {}, {}
    try:
        seconds = int(request.form.get("undo_send_seconds", ""))
        if not 0 <= seconds <= MAX_UNDO_SECONDS:
            raise ValueError
    except ValueError:
        errors["undo"] = _("Give a number of seconds from 0 to %(max)d.", max=MAX_UNDO_SECONDS)
    for mailbox in Mailbox.of(g.workspace):
        values[mailbox.id] = request.form.get(f"signature-{mailbox.id}", "")
        if len(values[mailbox.id]) > MAX_SIGNATURE_CHARS:
            errors[mailbox.id] = _("At most %(max)d characters.", max=MAX_SIGNATURE_CHARS)
    if errors:
        return _page(errors, values, 422)
    g.workspace.undo_send_seconds = seconds
    g.workspace.save(only=[type(g.workspace).undo_send_seconds])
    for mailbox_id, body in values.items():
        try:
            save_signature(g.workspace, body, mailbox=mailbox_id)
        except SignatureError:  # checked above; kept for a race with a longer limit
            pass
    flash(_("Reply settings saved."), "success")
    return redirect(url_for("workspace.mail.reply_settings"))
