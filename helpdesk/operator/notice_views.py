"""The console's terms and announcements pages (routes on the console blueprint, behind its guard)."""
from flask import abort, flash, g, redirect, render_template, url_for

from helpdesk.billing.models import Plan
from helpdesk.core.clock import utcnow
from helpdesk.core.render import render
from helpdesk.operator import announcements, bp, terms
from helpdesk.operator.console_forms import AnnouncementForm, PublishTermsForm
from helpdesk.operator.log import record_action
from helpdesk.workspaces.models import Workspace


@bp.route("/terms", methods=["GET", "POST"])
def terms_page():
    form = PublishTermsForm()
    if form.validate_on_submit():
        try:
            published = terms.publish_terms(form.version.data, form.summary.data, operator=g.operator, now=utcnow())
        except terms.TermsError as error:
            form.version.errors.append(str(error))
        else:
            record_action(g.operator, "publish_terms", now=utcnow(), version=published.version)
            flash(f"Version {published.version} is published; owners are being emailed and will accept it "
                  "at their next visit.", "success")
            return redirect(url_for("operator.terms_version", terms_id=published.id))
    return render_template("operator/terms.html", form=form, versions=terms.versions(),
                           in_force=terms.version_in_force()), 422 if form.errors else 200


@bp.route("/terms/<int:terms_id>")
def terms_version(terms_id):
    version = terms.TermsVersion.get_or_none(terms.TermsVersion.id == terms_id) or abort(404)
    rows, total = terms.acceptances(version)
    return render_template("operator/terms_version.html", terms=version, acceptances=rows, total=total)


def _announcement_form():
    form = AnnouncementForm()
    form.state.choices = [("", "Every state")] + [(s, s) for s in Workspace.STATUSES if s != Workspace.DELETED]
    form.plan.choices = [("", "Every plan")] + [(str(p.id), p.name) for p in Plan.select().order_by(Plan.name)]
    return form


@bp.route("/announcements", methods=["GET", "POST"])
def announcements_page():
    form = _announcement_form()
    if form.validate_on_submit():
        try:
            sent = announcements.create_announcement(form.subject.data, form.body.data, state=form.state.data,
                                                     plan_id=int(form.plan.data) if form.plan.data else None,
                                                     operator=g.operator, now=utcnow())
        except announcements.AnnouncementError as error:
            form.subject.errors.append(str(error))
        else:
            record_action(g.operator, "send_announcement", now=utcnow(), subject=sent.subject,
                          recipients=sent.recipients)
            return redirect(url_for("operator.announcement", announcement_id=sent.id))
    return render_template("operator/announcements.html", form=form,
                           announcements=announcements.recent_announcements()), 422 if form.errors else 200


@bp.route("/announcements/<int:announcement_id>")
def announcement(announcement_id):
    """The announcement with its progress bar; htmx polls it for the partial until every email went."""
    found = announcements.Announcement.get_or_none(announcements.Announcement.id == announcement_id) or abort(404)
    return render("operator/announcement.html", "operator/_progress.html", announcement=found,
                  progress=announcements.progress(found))
