"""The console's plans (R11): create, rename and set the discounts per prepaid period, schedule a price
change (30 days' notice, from the next period bought), retire with 3 months' notice. Billing's services do the rules, as for `flask billing plans`."""
from datetime import datetime, time

from flask import abort, flash, g, redirect, render_template, url_for

from helpdesk.billing import services as billing
from helpdesk.billing.models import Plan, PriceChange
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.operator import bp
from helpdesk.operator.forms import EditPlanForm, PlanForm, PriceChangeForm, RetireForm
from helpdesk.operator.log import record_action


def _plans_page(status=200, **forms):
    changes = {}
    for change in PriceChange.select().where(PriceChange.effective_at > utcnow()).order_by(PriceChange.effective_at):
        changes.setdefault(change.plan_id, []).append(change)
    forms.setdefault("create_form", PlanForm(prefix="new"))
    return render_template("operator/plans.html", plans=billing.plans(), changes=changes, now=utcnow(),
                           price_form=forms.pop("price_form", None) or PriceChangeForm(),
                           edit_form=forms.pop("edit_form", None) or EditPlanForm(formdata=None),
                           retire_form=forms.pop("retire_form", None) or RetireForm(), **forms), status


def _run(action, field, status_forms, done):
    try:
        result = action()
    except billing.BillingError as error:
        field.errors = [*field.errors, str(error)]
        return _plans_page(422, **status_forms)
    flash(done(result), "success")
    return redirect(url_for("operator.plans"))


@bp.route("/plans/")
def plans():
    return _plans_page()


@bp.route("/plans/", methods=["POST"])
def create_plan():
    form, now = PlanForm(prefix="new"), utcnow()
    if not form.validate_on_submit():
        return _plans_page(422, create_form=form)

    def action():
        plan = billing.create_plan({"name": form.name.data, "price_per_seat": form.price_per_seat.data,
                                    "currency": form.currency.data}, now=now)
        record_action(g.operator, "create_plan", now=now, plan=plan.name, price=plan.price_per_seat)
        return plan
    return _run(action, form.name, {"create_form": form}, lambda plan: _("Plan %(name)s created.", name=plan.name))


def _plan_or_404(plan_id):
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        abort(404)
    return plan


def _start_of(day):
    return datetime.combine(day, time())


@bp.route("/plans/<int:plan_id>/edit", methods=["POST"])
def edit_plan(plan_id):
    """Rename the plan and set its discounts (its price changes only by scheduling, below)."""
    plan, form, now = _plan_or_404(plan_id), EditPlanForm(), utcnow()
    if not form.validate_on_submit():
        return _plans_page(422, edit_form=form, edit_plan=plan.id)
    before = plan.name

    def action():
        billing.edit_plan(plan, form.plan_values(), now=now)
        record_action(g.operator, "edit_plan", now=now, plan=before, **form.plan_values())
        return plan
    return _run(action, form.name, {"edit_form": form, "edit_plan": plan.id},
                lambda plan: _("Plan %(name)s saved.", name=plan.name))


@bp.route("/plans/<int:plan_id>/price", methods=["POST"])
def schedule_price(plan_id):
    plan, form, now = _plan_or_404(plan_id), PriceChangeForm(), utcnow()
    if not form.validate_on_submit():
        return _plans_page(422, price_form=form, price_plan=plan.id)

    def action():
        change = billing.schedule_price_change(plan, form.price_per_seat.data, _start_of(form.effective_on.data), now=now)
        record_action(g.operator, "schedule_price_change", now=now, plan=plan.name, price=change.price_per_seat,
                      effective_at=change.effective_at)
        return change
    return _run(action, form.effective_on, {"price_form": form, "price_plan": plan.id},
                lambda change: _("New price scheduled; the owners on %(name)s are emailed by the daily run.",
                                 name=plan.name))


@bp.route("/plans/<int:plan_id>/retire", methods=["POST"])
def retire_plan(plan_id):
    plan, form, now = _plan_or_404(plan_id), RetireForm(), utcnow()
    if not form.validate_on_submit():
        return _plans_page(422, retire_form=form, retire_plan=plan.id)

    def action():
        billing.retire_plan(plan, _start_of(form.retire_on.data), now=now)
        record_action(g.operator, "retire_plan", now=now, plan=plan.name, retire_on=form.retire_on.data)
        return plan
    return _run(action, form.retire_on, {"retire_form": form, "retire_plan": plan.id},
                lambda plan: _("%(name)s will be retired; its workspaces are told and move at renewal.",
                               name=plan.name))
