"""Mailbox admin pages under /w/<slug>/mailboxes/ (admins only), and the OAuth callback.

The OAuth callback lives outside the workspace prefix, at one fixed address
(`/oauth/mailbox/callback`), because Google and Microsoft only redirect to
addresses registered in advance; the workspace travels in the session.
"""
from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.render import render
from helpdesk.core.urls import external_url
from helpdesk.mail import bp, oauth, oauth_bp
from helpdesk.mail import services as mail
from helpdesk.mail.forms import ConfirmForm, MailboxForm, MailSettingsForm
from helpdesk.mail.imap import MailConnectionError
from helpdesk.mail.models import AuthMethod, InboundStatus, Security
from helpdesk.workspaces.models import Membership, Workspace
from helpdesk.workspaces.scope import require_manager
from helpdesk.workspaces.services import may_write

OAUTH_SESSION_KEY = "mailbox_oauth"


@bp.before_request
def admins_only():
    """Mailboxes hold the workspace's credentials: owner and admins only."""
    require_manager()


def _index(settings_form=None, status=200):
    if settings_form is None:
        settings_form = MailSettingsForm(load_remote_images=g.workspace.load_remote_images,
                                         blocked_senders="\n".join(mail.blocked_senders(g.workspace)))
    return render("mail/index.html", "mail/_settings.html", status=status, mailboxes=mail.mailboxes(g.workspace),
                  failed=mail.failed_count(g.workspace), settings_form=settings_form,
                  providers=oauth.configured_providers(), confirm_form=ConfirmForm(), labels=AuthMethod.LABELS)


@bp.route("/")
def index():
    return _index()


@bp.route("/settings", methods=["POST"])
def settings():
    form = MailSettingsForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    try:
        mail.save_mail_settings(g.workspace, g.membership, load_remote_images=form.load_remote_images.data,
                                blocked_text=form.blocked_senders.data, now=utcnow())
    except mail.MailError as error:
        form.blocked_senders.errors.append(str(error))
        return _index(form, 422)
    flash(_("Mail settings saved."), "success")
    return redirect(url_for("workspace.mail.index"))


def _form_page(form, mailbox=None, results=None, status=200):
    return render("mail/edit.html", "mail/_mailbox_form.html", status=status, form=form, mailbox=mailbox,
                  results=results, security=Security)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = MailboxForm()
    if not form.validate_on_submit():
        return _form_page(form, status=422 if form.errors else 200)
    try:
        mailbox = mail.add_mailbox(g.workspace, g.membership, form.values(), now=utcnow())
    except mail.MailError as error:
        form.address.errors.append(str(error))
        return _form_page(form, status=422)
    flash(_("Mailbox %(address)s added. Mail is fetched every minute.", address=mailbox.address), "success")
    return redirect(url_for("workspace.mail.index"))


def _get(mailbox_id):
    try:
        return mail.get_mailbox(g.workspace, mailbox_id)
    except LookupError:
        abort(404)


@bp.route("/<int:mailbox_id>", methods=["GET", "POST"])
def edit(mailbox_id):
    mailbox = _get(mailbox_id)
    form = MailboxForm(obj=None if request.method == "POST" else mailbox)
    if request.method != "POST":
        form.imap_password.data = form.smtp_password.data = ""  # never shown back (R34)
    if not form.validate_on_submit():
        return _form_page(form, mailbox, status=422 if form.errors else 200)
    try:
        mail.update_mailbox(g.workspace, g.membership, mailbox.id, form.values(), now=utcnow())
    except mail.MailError as error:
        form.address.errors.append(str(error))
        return _form_page(form, mailbox, status=422)
    flash(_("Mailbox %(address)s saved.", address=form.address.data), "success")
    return redirect(url_for("workspace.mail.index"))


@bp.route("/test", methods=["POST"], defaults={"mailbox_id": None})
@bp.route("/<int:mailbox_id>/test", methods=["POST"])
def test(mailbox_id):
    """Try the settings in the form (stored passwords fill empty fields); answers in plain words."""
    existing = _get(mailbox_id) if mailbox_id else None
    form = MailboxForm()
    if existing is not None and existing.uses_oauth:
        candidate = existing
    elif not form.validate_on_submit():
        return _form_page(form, existing, status=422)
    else:
        try:
            candidate = mail.build_mailbox(g.workspace, form.values(), existing)
        except mail.MailError as error:
            form.address.errors.append(str(error))
            return _form_page(form, existing, status=422)
    results = mail.test_connection(candidate, now=utcnow())
    return render("mail/edit.html", "mail/_test_result.html", form=form, mailbox=existing, results=results,
                  security=Security)


@bp.route("/<int:mailbox_id>/default", methods=["POST"])
def make_default(mailbox_id):
    mailbox = _get(mailbox_id)
    if ConfirmForm().validate_on_submit():
        mail.set_default_mailbox(g.workspace, g.membership, mailbox.id, now=utcnow())
        flash(_("Replies on tickets that did not come in by mail now go out from %(address)s.",
                address=mailbox.address), "success")
    return redirect(url_for("workspace.mail.index"))


@bp.route("/<int:mailbox_id>/remove", methods=["GET", "POST"])
def remove(mailbox_id):
    mailbox = _get(mailbox_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        mail.remove_mailbox(g.workspace, g.membership, mailbox.id, now=utcnow())
        flash(_("Mailbox %(address)s removed: its credentials are erased and no more mail is fetched or sent "
                "through it. Its tickets stay.", address=mailbox.address), "success")
        return redirect(url_for("workspace.mail.index"))
    return render_template("mail/remove.html", mailbox=mailbox, form=form)


@bp.route("/log")
def log():
    status = request.args.get("status") or None
    before = request.args.get("before", type=int)
    rows = mail.ingest_log(g.workspace, status=status, before_id=before)
    more = len(rows) > mail.LOG_PAGE_SIZE
    rows = rows[:mail.LOG_PAGE_SIZE]
    return render("mail/log.html", "mail/_log.html", rows=rows, more=more, status=status,
                  statuses=InboundStatus, confirm_form=ConfirmForm())


@bp.route("/log/<int:inbound_id>/retry", methods=["POST"])
def retry(inbound_id):
    if ConfirmForm().validate_on_submit():
        try:
            row = mail.retry_inbound(g.workspace, g.membership, inbound_id, now=utcnow())
        except LookupError:
            abort(404)
        except mail.MailError as error:
            flash(str(error), "error")
        else:
            category = "success" if row.status == InboundStatus.PROCESSED else "error"
            flash(_("Message %(id)s: %(decision)s", id=row.id, decision=row.decision), category)
    return redirect(url_for("workspace.mail.log", status=request.args.get("status") or None))


@bp.route("/connect/<provider>", methods=["POST"])
def connect(provider):
    """Start "Connect Google" / "Connect Microsoft": off to the provider, back at the fixed callback."""
    if provider not in oauth.configured_providers() or not ConfirmForm().validate_on_submit():
        abort(404)
    url, saved = oauth.authorization_request(provider, external_url("mail_oauth.callback"),
                                             login_hint=request.form.get("login_hint") or None)
    session[OAUTH_SESSION_KEY] = {**saved, "workspace_id": g.workspace.id}
    return redirect(url)


@oauth_bp.route("/oauth/mailbox/callback")
@login_required
def callback():
    saved = session.pop(OAUTH_SESSION_KEY, None)
    if not saved or request.args.get("state") != saved.get("state"):
        abort(404)
    found = (Membership.select(Membership, Workspace).join(Workspace)
             .where(Membership.workspace == saved["workspace_id"], Membership.user == current_user.id).first())
    now = utcnow()
    if found is None or found.workspace.status == Workspace.CANCELLED or not found.can_manage_members:
        abort(404)
    workspace = found.workspace
    found.user = current_user._get_current_object()
    back = url_for("workspace.mail.index", workspace_slug=workspace.slug)
    if not may_write(workspace, now=now):
        flash(_("This workspace is read-only until a plan is paid: nothing was changed."), "error")
        return redirect(back)
    if request.args.get("error"):
        flash(_("The connection was cancelled (%(error)s).", error=request.args["error"]), "error")
        return redirect(back)
    try:
        address, token = oauth.exchange_code(saved, external_url("mail_oauth.callback"),
                                             request.args.get("code", ""))
        mailbox = mail.connect_oauth_mailbox(workspace, found, saved["provider"], address, token, now=now)
    except MailConnectionError as error:
        flash(str(error), "error")
        return redirect(back)
    flash(_("%(address)s is connected. Mail is fetched every minute.", address=mailbox.address), "success")
    return redirect(back)
