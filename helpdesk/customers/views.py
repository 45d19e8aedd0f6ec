"""Customer list, profile, edit and merge."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.render import render
from helpdesk.customers import bp
from helpdesk.customers import services as customers
from helpdesk.customers.addresses import customer_by_email, other_emails
from helpdesk.customers.forms import AddEmailForm, CustomerForm, MergeForm
from helpdesk.customers.organizations import list_organizations
from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Status, Ticket
from helpdesk.workspaces.forms import ConfirmForm

TICKETS_ON_PROFILE = 50
ORGANIZATIONS_OFFERED = 200  # in the profile's organization menu


def get_customer(customer_id):
    customer = Customer.of(g.workspace).where(Customer.id == customer_id).first()
    if customer is None:
        abort(404)
    return customer


@bp.route("/")
def index():
    query = request.args.get("q", "").strip()
    after_id = request.args.get("after_id", type=int)
    rows = customers.search_customers(g.workspace, query, after_name=request.args.get("after_name", ""),
                                      after_id=after_id)
    more = len(rows) > customers.PAGE_SIZE
    rows = rows[:customers.PAGE_SIZE]
    return render("customers/index.html", "customers/_list.html", customers=rows, query=query,
                  next_page={"after_name": rows[-1].name, "after_id": rows[-1].id} if more else None)


@bp.route("/<int:customer_id>")
def profile(customer_id):
    customer = get_customer(customer_id)
    tickets = list(Ticket.of(g.workspace).where(Ticket.customer == customer).order_by(Ticket.id.desc())
                   .limit(TICKETS_ON_PROFILE))
    return render_template("customers/profile.html", customer=customer, tickets=tickets,
                           status_labels=Status.LABELS, merge_form=MergeForm(), email_form=AddEmailForm(),
                           other_emails=other_emails(customer), confirm_form=ConfirmForm(),
                           organizations=list_organizations(g.workspace, limit=ORGANIZATIONS_OFFERED))


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
def edit(customer_id):
    customer = get_customer(customer_id)
    form = CustomerForm(obj=customer)
    if form.validate_on_submit():
        try:
            customers.update_customer(customer, name=form.name.data or "", email=form.email.data or "",
                                      phone=form.phone.data or "", notes=form.notes.data or "", now=utcnow())
        except customers.CustomerError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Customer saved."), "success")
            return redirect(url_for("workspace.customers.profile", customer_id=customer.id))
    return render_template("customers/edit.html", customer=customer, form=form), 422 if form.errors else 200


@bp.route("/<int:customer_id>/merge", methods=["POST"])
def merge(customer_id):
    """Step 1 finds the duplicate and asks to confirm; step 2 (confirm=yes) merges."""
    keep = get_customer(customer_id)
    form = MergeForm()
    if not form.validate_on_submit():
        flash(_("Give the email of the duplicate customer."), "error")
        return redirect(url_for("workspace.customers.profile", customer_id=keep.id))
    duplicate = customer_by_email(g.workspace, form.other_email.data)
    if duplicate is None or duplicate.id == keep.id:
        flash(_("No other customer has the email %(email)s.", email=form.other_email.data), "error")
        return redirect(url_for("workspace.customers.profile", customer_id=keep.id))
    if request.form.get("confirm") != "yes":
        count = Ticket.of(g.workspace).where(Ticket.customer == duplicate).count()
        return render_template("customers/merge.html", keep=keep, duplicate=duplicate, ticket_count=count,
                               form=form)
    customers.merge_customers(g.workspace, current_user._get_current_object(), keep, duplicate, now=utcnow())
    flash(_("%(email)s was merged into this customer.", email=duplicate.email), "success")
    return redirect(url_for("workspace.customers.profile", customer_id=keep.id))
