"""The console's dashboard and jobs page (routes on the console blueprint, behind its guard)."""
from flask import flash, g, redirect, render_template, url_for

from helpdesk.core.clock import utcnow
from helpdesk.core.periodic_runs import periodic_status
from helpdesk.jobs import PERIODIC_JOBS
from helpdesk.operator import bp, queues
from helpdesk.operator.dashboard import build_dashboard
from helpdesk.operator.log import record_action
from helpdesk.workspaces.forms import ConfirmForm


@bp.route("/dashboard")
def dashboard():
    return render_template("operator/dashboard.html", **build_dashboard(now=utcnow()))


@bp.route("/jobs")
def jobs():
    return render_template("operator/jobs.html", overview=queues.queue_overview(), form=ConfirmForm(),
                           periodic=periodic_status(PERIODIC_JOBS, now=utcnow()))


def _failed_job_action(job_id, action, done_message):
    if not ConfirmForm().validate_on_submit():
        flash("This form expired. Reload the page and try again.", "error")
        return redirect(url_for("operator.jobs"))
    try:
        action(job_id)
    except queues.QueueError as error:
        flash(str(error), "error")
    else:
        record_action(g.operator, action.__name__, now=utcnow(), job_id=job_id)
        flash(done_message, "success")
    return redirect(url_for("operator.jobs"))


@bp.route("/jobs/<job_id>/retry", methods=["POST"])
def retry_job(job_id):
    return _failed_job_action(job_id, queues.retry_failed_job, "The job is back on the queue.")


@bp.route("/jobs/<job_id>/delete", methods=["POST"])
def delete_job(job_id):
    return _failed_job_action(job_id, queues.delete_failed_job, "The failed job is deleted.")
