"""The console's workspaces: the list, a workspace's page, and the operator's actions on it."""
from datetime import datetime, time

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from helpdesk.billing.providers import provider
from helpdesk.billing.services import plans
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.operator import bp, services
from helpdesk.operator.directory import list_workspaces
from helpdesk.operator.forms import ExtendTrialForm, ReasonForm, RefundForm, SearchForm, TerminateForm
from helpdesk.operator.overview import find_workspace, overview
from helpdesk.workspaces.models import Workspace


@bp.route("/workspaces/")
def workspaces():
    form = SearchForm(request.args)
    all_plans = plans()
    form.state.choices = [SelectChoice("", _("Every state but deleted"))] + [
        SelectChoice(state, state) for state in Workspace.STATUSES]
    form.plan.choices = [SelectChoice("", _("Every plan"))] + [SelectChoice(str(plan.id), plan.name) for plan in all_plans]
    form.validate()
    # A filter with an error is shown with it and left out; the others apply.
    value = {name: (field.data if not field.errors else None) for name, field in form._fields.items()}
    rows, after = list_workspaces(
        search=value["q"] or "", state=value["state"] or "", plan_id=int(value["plan"]) if value["plan"] else None,
        seats=(value["seats_min"], value["seats_max"]), tickets=(value["tickets_min"], value["tickets_max"]),
        paid_before=_start_of_day(value["paid_before"]), inactive_since=_start_of_day(value["inactive_since"]),
        after=request.args.get("after", type=int))
    kept = {name: request.args[name] for name in form._fields if request.args.get(name) and not form[name].errors}
    return render_template("operator/workspaces.html", form=form, rows=rows, after=after, now=utcnow(), kept=kept,
                           more_open=any(name in kept or form[name].errors for name in SearchForm.MORE))


def _start_of_day(day):
    return datetime.combine(day, time()) if day else None


def _workspace_or_404(workspace_id):
    workspace = find_workspace(workspace_id)
    if workspace is None:
        abort(404)
    return workspace


def _page(workspace, status=200, **forms):
    now = utcnow()
    forms.setdefault("extend_form", ExtendTrialForm())
    forms.setdefault("refund_form", RefundForm())
    return render_template("operator/workspace.html", workspace=workspace, now=now,
                           restore_refusal=services.restore_refusal(workspace, now=now),
                           **overview(workspace, now=now), **forms), status


@bp.route("/workspaces/<int:workspace_id>")
def workspace(workspace_id):
    return _page(_workspace_or_404(workspace_id))


def _act(workspace, action, done_message, field=None, **page_forms):
    """Run `action()`, flash its outcome and go back to the workspace's page; a refusal is flashed, or
    shown beside `field` of the page's form (422)."""
    try:
        result = action()
    except services.OperatorError as error:
        if field is None:
            flash(str(error), "error")
            return redirect(url_for("operator.workspace", workspace_id=workspace.id))
        field.errors = [*field.errors, str(error)]
        return _page(workspace, 422, **page_forms)
    flash(done_message(result), "success")
    return redirect(url_for("operator.workspace", workspace_id=workspace.id))


@bp.route("/workspaces/<int:workspace_id>/extend-trial", methods=["POST"])
def extend_trial(workspace_id):
    workspace, form = _workspace_or_404(workspace_id), ExtendTrialForm()
    if not form.validate_on_submit():
        return _page(workspace, 422, extend_form=form)
    return _act(workspace, lambda: services.extend_trial(workspace, g.operator, form.days.data, now=utcnow()),
                lambda ends: _("The trial now ends on %(date)s.", date=ends.date().isoformat()), form.days,
                extend_form=form)


@bp.route("/workspaces/<int:workspace_id>/invoices/<int:number>/mark-paid", methods=["POST"])
def mark_paid(workspace_id, number):
    workspace = _workspace_or_404(workspace_id)

    def action():
        return services.mark_invoice_paid(services.invoice_of(workspace, number), g.operator, now=utcnow())
    return _act(workspace, action, lambda outcome: _("Invoice %(n)d: %(outcome)s.", n=number, outcome=outcome))


@bp.route("/workspaces/<int:workspace_id>/invoices/<int:number>/refund", methods=["POST"])
def refund(workspace_id, number):
    workspace, form = _workspace_or_404(workspace_id), RefundForm()
    if not form.validate_on_submit():
        return _page(workspace, 422, refund_form=form, refund_number=number)

    def action():
        return services.record_refund(services.invoice_of(workspace, number), g.operator, form.amount.data,
                                      now=utcnow(), provider=provider(),
                                      partial_months=current_app.config["REFUND_PARTIAL_MONTHS"])
    return _act(workspace, action, lambda cents: _("Invoice %(n)d: %(cents)d cents refunded.", n=number, cents=cents),
                form.amount, refund_form=form, refund_number=number)


def _confirmed_page(workspace_id, form_class, template, action, done_message, error_field):
    """A destructive action's own page: the form with its reason (and confirmation); on success back
    to the workspace with `done_message`, else the page again with the error (422)."""
    workspace = _workspace_or_404(workspace_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            action(workspace, form)
        except services.OperatorError as error:
            getattr(form, error_field).errors.append(str(error))
        else:
            flash(done_message % {"name": workspace.name}, "success")
            return redirect(url_for("operator.workspace", workspace_id=workspace.id))
    status = 422 if request.method == "POST" else 200
    return render_template(template, workspace=workspace, form=form), status


@bp.route("/workspaces/<int:workspace_id>/suspend", methods=["GET", "POST"])
def suspend(workspace_id):
    return _confirmed_page(
        workspace_id, ReasonForm, "operator/suspend.html",
        lambda workspace, form: services.suspend(workspace, g.operator, form.reason.data, now=utcnow()),
        _("%(name)s is suspended; the owner was emailed."), "reason")


@bp.route("/workspaces/<int:workspace_id>/lift-suspension", methods=["POST"])
def lift_suspension(workspace_id):
    workspace = _workspace_or_404(workspace_id)
    return _act(workspace, lambda: services.lift_suspension(workspace, g.operator, now=utcnow()),
                lambda status: _("Suspension lifted: the workspace is %(status)s.", status=status))


@bp.route("/workspaces/<int:workspace_id>/terminate", methods=["GET", "POST"])
def terminate(workspace_id):
    return _confirmed_page(
        workspace_id, TerminateForm, "operator/terminate.html",
        lambda workspace, form: services.terminate(workspace, g.operator, form.reason.data,
                                                   typed_slug=form.slug.data, now=utcnow()),
        _("%(name)s is being deleted; the owner was emailed."), "slug")


@bp.route("/workspaces/<int:workspace_id>/restore", methods=["POST"])
def restore(workspace_id):
    workspace = _workspace_or_404(workspace_id)
    return _act(workspace, lambda: services.restore(workspace, g.operator, now=utcnow()),
                lambda status: _("Restored: the workspace is %(status)s.", status=status))
