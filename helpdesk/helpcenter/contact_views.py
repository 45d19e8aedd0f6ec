"""The public contact form at /h/<slug>/contact, its article suggestions and its anti-spam limits."""
from flask import abort, g, make_response, redirect, render_template, request, url_for

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.render import render
from helpdesk.extensions import limiter
from helpdesk.helpcenter import contact as rules
from helpdesk.helpcenter.forms import ContactForm
from helpdesk.helpcenter.scope import helpcenter_bp as bp
from helpdesk.tickets.views import uploads


def _refused_by_limit(_limit):
    """A rate limit met: the form comes back with what was typed and one sentence saying why."""
    return make_response(*_contact_page(ContactForm(), _("Too many messages in a short time from here or for this email "
                                          "address: please wait an hour, or add to your earlier request."), 429))


def _suggested(subject):
    return rules.suggested_articles(g.workspace, subject) if g.knowledge_public else []


def _contact_page(form, refusal=None, status=200):
    form.shown.data = rules.form_stamp(g.workspace)
    return render_template("helpcenter/contact.html", form=form, refusal=refusal,
                           suggestions=_suggested(form.subject.data)), status


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], on_breach=_refused_by_limit)
@limiter.limit("5 per hour", methods=["POST"], key_func=rules.email_limit_key("contact-email:"),
               on_breach=_refused_by_limit)
def contact():
    form = ContactForm()
    if not form.validate_on_submit():
        return _contact_page(form, status=422 if form.errors else 200)
    refusal = rules.spam_refusal(g.workspace, honeypot=form.website.data, stamp=form.shown.data,
                                   texts=(form.subject.data, form.message.data))
    if refusal:
        return _contact_page(form, refusal, 422)
    ticket = rules.submit_contact(g.workspace, g.help_center, name=form.name.data, email=form.email.data,
                                    subject=form.subject.data, message=form.message.data,
                                    attachments=uploads(form.files), now=utcnow())
    return redirect(url_for("helpcenter.contact_sent", number=ticket.number))


@bp.get("/contact/sent/<int:number>")
def contact_sent(number):
    return render_template("helpcenter/contact_sent.html", number=number)


@bp.get("/contact/suggestions")
def suggestions():
    """Up to 5 published articles for the subject being typed (htmx, as the visitor types)."""
    return render("helpcenter/_suggestions.html", suggestions=_suggested(request.args.get("subject", "")))


@bp.post("/contact/answered/<int:article_id>")
@limiter.limit("30 per hour")
def answered(article_id):
    """"This answered my question": counted, and the visitor goes to the article."""
    counted = g.knowledge_public and rules.record_answered(g.workspace, article_id, now=utcnow())
    if not counted:
        abort(404)
    return render_template("helpcenter/answered.html")
