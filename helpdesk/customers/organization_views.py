"""Organizations (list, page with its customers and tickets, edit), a customer's addresses and organization."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.customers import addresses, bp
from helpdesk.customers import organizations as orgs
from helpdesk.customers.forms import AddEmailForm, OrganizationForm
from helpdesk.customers.models import Organization
from helpdesk.customers.views import get_customer
from helpdesk.tickets.models import Status
from helpdesk.workspaces.forms import ConfirmForm


def get_organization(organization_id):
    organization = Organization.of(g.workspace).where(Organization.id == organization_id).first()
    if organization is None:
        abort(404)
    return organization


def _profile(customer_id):
    return redirect(url_for("workspace.customers.profile", customer_id=customer_id))


@bp.route("/organizations/", methods=["GET", "POST"])
def organizations():
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            organization = orgs.save_organization(g.workspace, current_user._get_current_object(), None,
                                                  name=form.name.data, domain=form.domain.data, now=utcnow())
        except orgs.OrganizationError as error:
            form.domain.errors.append(str(error))
        else:
            flash(_("Organization %(name)s created.", name=organization.name), "success")
            return redirect(url_for("workspace.customers.organization", organization_id=organization.id))
    after_id = request.args.get("after_id", type=int)
    rows = orgs.list_organizations(g.workspace, after_name=request.args.get("after_name", ""), after_id=after_id)
    more = len(rows) > orgs.PAGE_SIZE
    rows = rows[:orgs.PAGE_SIZE]
    return render_template("customers/organizations.html", organizations=rows, form=form,
                           next_page={"after_name": rows[-1].name, "after_id": rows[-1].id} if more else None), \
        422 if form.errors else 200


@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
def organization(organization_id):
    """The organization's customers and tickets (newest first, keyset pages); its name and domain."""
    organization = get_organization(organization_id)
    form = OrganizationForm(obj=organization)
    if form.validate_on_submit():
        try:
            orgs.save_organization(g.workspace, current_user._get_current_object(), organization,
                                   name=form.name.data, domain=form.domain.data, now=utcnow())
        except orgs.OrganizationError as error:
            form.domain.errors.append(str(error))
        else:
            flash(_("Organization saved."), "success")
            return redirect(url_for("workspace.customers.organization", organization_id=organization.id))
    tickets = orgs.organization_tickets(g.workspace, organization, before_id=request.args.get("before", type=int))
    more = len(tickets) > orgs.PAGE_SIZE
    tickets = tickets[:orgs.PAGE_SIZE]
    return render_template("customers/organization.html", organization=organization, form=form,
                           members=orgs.organization_members(organization), tickets=tickets,
                           next_before=tickets[-1].id if more else None, status_labels=Status.LABELS), \
        422 if form.errors else 200


@bp.route("/<int:customer_id>/emails", methods=["POST"])
def add_email(customer_id):
    customer = get_customer(customer_id)
    form = AddEmailForm()
    if form.validate_on_submit():
        try:
            addresses.add_email(customer, form.email.data, now=utcnow())
        except addresses.AddressTaken as error:
            flash(str(error), "error")
        else:
            flash(_("Mail from %(email)s now lands on this customer.", email=form.email.data.strip().lower()),
                  "success")
    else:
        flash(_("Give a valid email address."), "error")
    return _profile(customer.id)


@bp.route("/<int:customer_id>/emails/<int:address_id>/remove", methods=["POST"])
def remove_email(customer_id, address_id):
    customer = get_customer(customer_id)
    if ConfirmForm().validate_on_submit():
        try:
            addresses.remove_email(customer, address_id)
        except LookupError:
            abort(404)
        flash(_("Address removed."), "success")
    return _profile(customer.id)


@bp.route("/<int:customer_id>/organization", methods=["POST"])
def set_organization(customer_id):
    """Put the customer in one of the workspace's organizations, or in none (another's: 404)."""
    customer = get_customer(customer_id)
    if ConfirmForm().validate_on_submit():
        chosen_id = request.form.get("organization", type=int)
        orgs.set_organization(customer, get_organization(chosen_id) if chosen_id else None, now=utcnow())
        flash(_("Organization saved."), "success")
    return _profile(customer.id)
