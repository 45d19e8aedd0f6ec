"""End users' pages: sign in by emailed link, sign out, "My requests", a request's conversation and reply."""
from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from helpdesk.core.clock import utcnow
from helpdesk.extensions import limiter
from helpdesk.helpcenter import accounts
from helpdesk.helpcenter import contact as rules
from helpdesk.helpcenter.forms import PortalReplyForm, ProfileForm, SignInForm
from helpdesk.helpcenter.scope import helpcenter_bp as bp
from helpdesk.tickets.downloads import attachment_response
from helpdesk.tickets.models import Attachment, Message, Status
from helpdesk.tickets.views import uploads


def signed_in_only(view):
    """A page of the signed-in end user: anyone else is sent to the sign-in page."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if g.end_user is None:
            return redirect(url_for("helpcenter.sign_in"))
        return view(*args, **kwargs)
    return guarded


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=rules.email_limit_key("hc-signin-email:"))
def sign_in():
    form = SignInForm()
    refusal = None
    if form.validate_on_submit():
        refusal = rules.spam_refusal(g.workspace, honeypot=form.website.data, stamp=form.shown.data, texts=())
        if not refusal:
            accounts.send_sign_in_link(g.workspace, g.help_center, form.email.data, now=utcnow())
            return render_template("helpcenter/sign_in_sent.html", email=form.email.data.strip())
    form.shown.data = rules.form_stamp(g.workspace)
    return render_template("helpcenter/sign_in.html", form=form, refusal=refusal), 422 if form.errors or refusal else 200


@bp.route("/signin/<token>", methods=["GET", "POST"])
def confirm_sign_in(token):
    """GET shows a button (mail scanners open links; they must not use them up), POST signs in."""
    if request.method == "GET":
        return render_template("helpcenter/sign_in_confirm.html")
    try:
        end_user = accounts.sign_in_with_link(g.workspace, token, now=utcnow())
    except accounts.PortalError as error:
        return render_template("helpcenter/error.html", code=400, message=str(error)), 400
    session[accounts.session_key(g.workspace)] = accounts.open_session(end_user, now=utcnow())
    return redirect(url_for("helpcenter.my_requests"))


@bp.post("/signout")
def sign_out():
    key = session.pop(accounts.session_key(g.workspace), None)
    if key:
        accounts.end_session(g.workspace, key, now=utcnow())
    return redirect(url_for("helpcenter.home"))


@bp.get("/requests/")
@signed_in_only
def my_requests():
    return render_template("helpcenter/requests.html", requests=accounts.requests_of(g.end_user),
                           labels=Status.LABELS)


def _my_ticket(number):
    ticket = accounts.request_of(g.end_user, number)
    if ticket is None:
        abort(404)
    return ticket


@bp.route("/requests/<int:number>", methods=["GET", "POST"])
@signed_in_only
def request_page(number):
    ticket = _my_ticket(number)
    form = PortalReplyForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.reply_from_portal(ticket, form.body.data, now=utcnow(), attachments=uploads(form.files))
        except accounts.PortalError as refused:
            error = str(refused)
        else:
            flash(_("Your answer was added to request #%(number)d.", number=ticket.number), "success")
            return redirect(url_for("helpcenter.request_page", number=ticket.number))
    return render_template("helpcenter/request.html", ticket=ticket, messages=accounts.conversation(ticket),
                           form=form, error=error, labels=Status.LABELS, Message=Message), \
        422 if form.errors or error else 200


@bp.get("/requests/<int:number>/attachments/<int:attachment_id>")
def request_attachment(number, attachment_id):
    if g.end_user is None:
        abort(404)
    ticket = _my_ticket(number)
    found = (Attachment.of(g.workspace).join(Message)
             .where(Attachment.id == attachment_id, Message.ticket == ticket,
                    Message.kind.in_(accounts.VISIBLE_KINDS)).first())
    if found is None:
        abort(404)
    response = attachment_response(found)  # always a download, never shown here
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/profile", methods=["GET", "POST"])
@signed_in_only
def profile():
    form = ProfileForm(obj=g.end_user)
    if form.validate_on_submit():
        accounts.update_profile(g.end_user, form.name.data)
        flash(_("Your name was saved."), "success")
        return redirect(url_for("helpcenter.profile"))
    return render_template("helpcenter/profile.html", form=form)


@bp.post("/profile/sign-out-everywhere")
def sign_out_everywhere():
    if g.end_user is not None:
        accounts.sign_out_everywhere(g.end_user, now=utcnow())
    session.pop(accounts.session_key(g.workspace), None)
    return redirect(url_for("helpcenter.home"))
