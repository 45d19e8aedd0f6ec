"""Terms versions (R37): the operator publishes one, every owner is emailed once (a job), and an
owner must accept it at their next visit to a workspace before anything else.

The version in force is the newest `TermsVersion`, or `TERMS_VERSION` from the configuration while
none was published. Acceptances are kept per person and version (`TermsAcceptance`); the person's
row keeps the latest (`User.terms_version`), which is what the owners' hook compares.
"""

from flask import current_app
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from helpdesk.accounts import services as accounts
from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.core.mailer import send_email
from helpdesk.core.urls import external_url
from helpdesk.extensions import db
from helpdesk.jobs import enqueue, job
from helpdesk.models import BaseModel
from helpdesk.workspaces.models import Membership, Role, Workspace

NOTICE_BATCH = 500


class TermsError(Exception):
    """A terms rule refused; the message is meant for the operator or the owner."""


class TermsVersion(BaseModel):
    """A published version of the terms of service."""

    version = CharField(max_length=32, unique=True)
    summary = TextField()  # what changed, in plain words: emailed and shown on the acceptance page
    published_at = DateTimeField()
    published_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class TermsAcceptance(BaseModel):
    """Who accepted which version, when."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    version = CharField(max_length=32)
    accepted_at = DateTimeField()

    class Meta:
        indexes = ((("user", "version"), True), (("version", "accepted_at"), False))


class TermsNotice(BaseModel):
    """The one email of a version to one owner: the row claims it, `email_id` says it went."""

    terms = ForeignKeyField(TermsVersion, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    email_id = IntegerField(null=True)

    class Meta:
        indexes = ((("terms", "user"), True),)


def latest_terms():
    return TermsVersion.select().order_by(TermsVersion.published_at.desc(), TermsVersion.id.desc()).first()


def version_in_force():
    latest = latest_terms()
    return latest.version if latest else current_app.config["TERMS_VERSION"]


def publish_terms(version, summary, *, operator, now):
    """Publish `version`; the owners' emails go out through the queue. Returns the new row."""
    version, summary = version.strip(), summary.strip()
    if not version or len(version) > 32:
        raise TermsError("Give the version a name of 1 to 32 characters, e.g. 2027-01-01.")
    if not summary:
        raise TermsError("Say in a few words what changed: owners read it in the email and before accepting.")
    if version == current_app.config["TERMS_VERSION"] or \
            TermsVersion.select().where(TermsVersion.version == version).exists():
        raise TermsError(f"Version {version} exists already: give the new terms a new version.")
    terms = TermsVersion.create(version=version, summary=summary, published_at=now, published_by=operator,
                                created_at=now)
    enqueue(email_owners_about_terms, terms.id)
    return terms


def _owner_ids():
    """Every person who owns a workspace that still exists."""
    return (Membership.select(Membership.user).distinct().join(Workspace)
            .where(Membership.role == Role.OWNER, Workspace.status != Workspace.DELETED))


@job
def email_owners_about_terms(terms_id):
    """Email each owner once about a version: claims first (one insert per page, duplicates ignored),
    then each claim's email in the transaction that marks it sent. A rerun sends only what is left."""
    terms = TermsVersion.get_or_none(TermsVersion.id == terms_id)
    if terms is None:
        return 0
    now = utcnow()
    after = 0
    while True:
        page = [row.user_id for row in _owner_ids().where(Membership.user > after)
                .order_by(Membership.user).limit(NOTICE_BATCH)]
        if not page:
            break
        TermsNotice.insert_many([{"terms": terms.id, "user": user_id, "created_at": now} for user_id in page]
                                ).on_conflict_ignore().execute()
        after = page[-1]
    sent = 0
    link = external_url("notices.accept_terms")
    while True:
        waiting = list(TermsNotice.select(TermsNotice, User).join(User)
                       .where(TermsNotice.terms == terms, TermsNotice.email_id.is_null()).limit(NOTICE_BATCH))
        if not waiting:
            break
        for notice in waiting:
            with db.database.atomic():
                # Compare-and-set first: a parallel run that got here before skips this owner.
                if not TermsNotice.update(email_id=0).where(TermsNotice.id == notice.id,
                                                            TermsNotice.email_id.is_null()).execute():
                    continue
                email = send_email(notice.user.email, f"New terms of service: version {terms.version}",
                                   "operator_terms", user=notice.user, terms=terms, link=link)
                TermsNotice.update(email_id=email.id).where(TermsNotice.id == notice.id).execute()
                sent += 1
    return sent


def must_accept(user):
    """The version `user` must accept before going on, or None."""
    latest = latest_terms()
    if latest is None or user.terms_version == latest.version:
        return None
    return latest


def accept(user, version, *, now):
    """`user` accepts `version`, which must be the one in force (an old page cannot accept new terms)."""
    if version != version_in_force():
        raise TermsError("These terms were replaced meanwhile: read the new version and accept it.")
    with db.database.atomic():
        accounts.accept_terms(user, now=now, terms_version=version)
        TermsAcceptance.insert(user=user, version=version, accepted_at=now, created_at=now
                               ).on_conflict_ignore().execute()


def acceptances(terms, *, limit=100):
    """The latest acceptances of a version, with the person: (rows, total)."""
    query = TermsAcceptance.select(TermsAcceptance, User).join(User).where(TermsAcceptance.version == terms.version)
    return list(query.order_by(TermsAcceptance.accepted_at.desc()).limit(limit)), query.count()


def versions():
    """Every published version, newest first, with how many accepted it and how many were emailed."""
    from peewee import fn

    accepted = dict(TermsAcceptance.select(TermsAcceptance.version, fn.COUNT(TermsAcceptance.id))
                    .group_by(TermsAcceptance.version).tuples())
    emailed = dict(TermsNotice.select(TermsNotice.terms, fn.COUNT(TermsNotice.id))
                   .where(TermsNotice.email_id > 0).group_by(TermsNotice.terms).tuples())
    rows = list(TermsVersion.select().order_by(TermsVersion.published_at.desc(), TermsVersion.id.desc()))
    return [{"terms": t, "accepted": accepted.get(t.version, 0), "emailed": emailed.get(t.id, 0)} for t in rows]


MODELS = [TermsVersion, TermsAcceptance, TermsNotice]
