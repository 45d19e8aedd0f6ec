"""The contact form's rules: anti-spam, opening a "web" ticket, the acknowledgement, deflection counts."""
import re

from flask import current_app, request
from itsdangerous import BadSignature
from peewee import fn

from helpdesk.accounts.services import normalize_email
from helpdesk.core.formstamps import make_stamp, read_stamp
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import send_email
from helpdesk.customers.services import find_or_create_customer
from helpdesk.helpcenter.domains import public_url
from helpdesk.helpcenter.models import ArticleAnswered
from helpdesk.knowledge import services as knowledge
from helpdesk.knowledge.models import Article
from helpdesk.mail.services import default_mailbox
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Channel

MAX_LINKS = 3
STAMP_MAX_AGE = 24 * 3600  # a form left open longer is shown again
STAMP_SALT = "helpcenter-form-shown"
LINK = re.compile(r"https?://|www\.", re.I)


def form_stamp(workspace):
    """The signed moment a public form was shown, for its hidden `shown` field."""
    return make_stamp(STAMP_SALT, workspace.id)


def spam_refusal(workspace, *, honeypot, stamp, texts):
    """Why a public form looks sent by a bot (one sentence), or None. `texts`: what the visitor wrote."""
    if honeypot:
        return _("The form has a field people do not see, and it was filled in: nothing was sent.")
    try:
        shown_for, seconds = read_stamp(STAMP_SALT, stamp, max_age=STAMP_MAX_AGE)
    except BadSignature:
        return _("This form is too old: check what you wrote and send it again.")
    if shown_for != workspace.id or seconds < current_app.config["SIGNUP_MIN_SECONDS"]:
        return _("That was quicker than a person can type: check what you wrote and send it again.")
    if sum(len(LINK.findall(text or "")) for text in texts) > MAX_LINKS:
        return _("Please send at most %(n)d links: we read every message, and links are what spam is made of.",
                 n=MAX_LINKS)
    return None


def email_limit_key(prefix):
    """A rate-limit key function: the address typed in the posted form's `email` field, after `prefix`."""
    return lambda: prefix + normalize_email(request.form.get("email", ""))


def support_address(workspace):
    """The address a customer's email answer should go to (the default mailbox), or None without one."""
    mailbox = default_mailbox(workspace)
    return mailbox.label if mailbox else None


def submit_contact(workspace, help_center, *, name, email, subject, message, attachments, now):
    """Open a "web" ticket for the customer with `email` (made if new) and email them its number.

    The acknowledgement's subject carries `[#N]` and its Reply-To is the workspace's mailbox, so
    the customer's email answer threads onto the same ticket (by the subject token).
    """
    customer = find_or_create_customer(workspace, email, name.strip(), now=now)  # fills an empty name in too
    ticket = tickets.open_ticket(workspace, customer, subject, message.strip(), now=now, channel=Channel.WEB,
                                 attachments=attachments)
    reply_to = support_address(workspace)
    send_email(customer.email, f"[#{ticket.number}] {ticket.subject}", "helpcenter_contact_received",
               reply_to=reply_to, ticket=ticket, help_center=help_center, customer=customer,
               can_reply=reply_to is not None,
               link=public_url(help_center, "helpcenter.home"))
    return ticket


def suggested_articles(workspace, query, limit=5):
    """Published articles that may answer `query` (the subject being typed; None before any)."""
    return knowledge.search_published(workspace, query or "", limit=limit)  # [] for a blank query


def record_answered(workspace, article_id, *, now):
    """Count "This answered my question" for a published article of `workspace`; False when there is none."""
    article = Article.of(workspace).where(Article.id == article_id).first()
    if article is None or not article.is_public:
        return False
    ArticleAnswered.create(workspace=workspace, article=article, created_at=now)
    return True


def answered_counts(workspace, limit=20):
    """(article, count) pairs, most answered first, and the total: what agents see on the settings page."""
    count = fn.COUNT(ArticleAnswered.id)
    rows = list(Article.of(workspace, Article, count.alias("answered"))
                .join(ArticleAnswered, on=(ArticleAnswered.article == Article.id))
                .group_by(Article.id).order_by(count.desc(), Article.id).limit(limit))
    total = ArticleAnswered.of(workspace).count()
    return rows, total
