"""End users' pages: sign up, sign in (emailed link or password), sign out, "My requests" and a request."""
from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, session, url_for

from helpdesk.accounts.throttle import SignInDelayed
from helpdesk.accounts.views import wait_phrase
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.errors import error_page
from helpdesk.extensions import limiter
from helpdesk.helpcenter import accounts, portal
from helpdesk.helpcenter import contact as rules
from helpdesk.helpcenter.forms import PasswordSignInForm, PortalReplyForm, SignInForm, SignUpForm
from helpdesk.helpcenter.models import EndUserSession
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


def sign_in_browser(end_user, method):
    """Sign this browser in as `end_user`, like the agents' sign-in: the session is emptied first, so
    the CSRF token issued to the anonymous visitor (and any sign-in this browser held) does not survive."""
    now = utcnow()
    replaced = session.get(accounts.session_key(g.workspace))
    if replaced:
        accounts.end_session(g.workspace, replaced, now=now)
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the token of this request in `g`
    session[accounts.session_key(g.workspace)] = accounts.open_session(end_user, method=method, now=now)


def _sign_in_page(link_form=None, password_form=None, refusal=None, status=200):
    link_form = link_form or SignInForm()
    link_form.shown.data = rules.form_stamp(g.workspace)
    return render_template("helpcenter/sign_in.html", form=link_form, refusal=refusal,
                           password_form=password_form or PasswordSignInForm(prefix="pw")), status


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
    return _sign_in_page(form, refusal=refusal, status=422 if form.errors or refusal else 200)


@bp.post("/signin/password")
@limiter.limit("10 per minute")
def sign_in_with_password():
    form = PasswordSignInForm(prefix="pw")
    if not form.validate_on_submit():
        return _sign_in_page(password_form=form, status=422)
    try:
        end_user = accounts.sign_in_with_password(g.workspace, form.email.data, form.password.data, now=utcnow())
    except SignInDelayed as delayed:
        form.password.errors.append(_("Too many wrong passwords for this address. Try again in %(wait)s, "
                                      "or ask for a sign-in link.", wait=wait_phrase(delayed.seconds)))
        page, _status = _sign_in_page(password_form=form)
        return page, 429, {"Retry-After": str(delayed.seconds)}
    except accounts.PortalError as error:
        form.password.errors.append(str(error))
        return _sign_in_page(password_form=form, status=422)
    sign_in_browser(end_user, EndUserSession.PASSWORD)
    return redirect(url_for("helpcenter.my_requests"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=rules.email_limit_key("hc-signup-email:"))
def sign_up():
    form = SignUpForm()
    refusal = None
    if form.validate_on_submit():
        refusal = rules.spam_refusal(g.workspace, honeypot=form.website.data, stamp=form.shown.data,
                                     texts=(form.name.data,))
        if not refusal:
            accounts.sign_up(g.workspace, g.help_center, name=form.name.data, email=form.email.data, now=utcnow())
            return render_template("helpcenter/sign_up_sent.html", email=form.email.data.strip())
    form.shown.data = rules.form_stamp(g.workspace)
    return render_template("helpcenter/sign_up.html", form=form, refusal=refusal), \
        422 if form.errors or refusal else 200


@bp.route("/signin/<token>", methods=["GET", "POST"])
def confirm_sign_in(token):
    """GET shows a button (mail scanners open links; they must not use them up), POST signs in."""
    if request.method == "GET":
        return render_template("helpcenter/sign_in_confirm.html")
    try:
        end_user = accounts.sign_in_with_link(g.workspace, token, now=utcnow())
    except accounts.PortalError as error:
        return error_page(400, str(error))
    sign_in_browser(end_user, EndUserSession.LINK)
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
    return render_template("helpcenter/requests.html", requests=portal.requests_of(g.end_user),
                           labels=Status.LABELS)


def _my_ticket(number):
    ticket = portal.request_of(g.end_user, number)
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
            portal.reply_from_portal(ticket, form.body.data, now=utcnow(), attachments=uploads(form.files))
        except accounts.PortalError as refused:
            error = str(refused)
        else:
            flash(_("Your answer was added to request #%(number)d.", number=ticket.number), "success")
            return redirect(url_for("helpcenter.request_page", number=ticket.number))
    return render_template("helpcenter/request.html", ticket=ticket, messages=portal.conversation(ticket),
                           form=form, error=error, labels=Status.LABELS, Message=Message), \
        422 if form.errors or error else 200


@bp.get("/requests/<int:number>/attachments/<int:attachment_id>")
def request_attachment(number, attachment_id):
    if g.end_user is None:
        abort(404)
    ticket = _my_ticket(number)
    found = (Attachment.of(g.workspace).join(Message)
             .where(Attachment.id == attachment_id, Message.ticket == ticket,
                    Message.kind.in_(portal.VISIBLE_KINDS)).first())
    if found is None:
        abort(404)
    response = attachment_response(found)  # always a download, never shown here
    response.headers["Cache-Control"] = "private, no-store"
    return response
