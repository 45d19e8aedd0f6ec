"""Organizations: the companies customers write from, found by email domain, editable by hand."""
import re

from peewee import IntegrityError

from helpdesk.core import audit
from helpdesk.extensions import db
from helpdesk.customers.models import Customer, Organization

PAGE_SIZE = 25
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class OrganizationError(Exception):
    """A rule refused the change; the message is meant for the person."""


def _clean_domain(domain):
    domain = (domain or "").strip().lower().lstrip("@")
    if domain and not DOMAIN.match(domain):
        raise OrganizationError(f"“{domain}” is not an email domain such as acme.example.")
    return domain or None


def domain_of(email):
    return email.rsplit("@", 1)[-1].lower() if email and "@" in email else None


def organization_for_email(workspace, email):
    """The organization whose domain the address is at, or None."""
    domain = domain_of(email)
    return Organization.of(workspace).where(Organization.domain == domain).first() if domain else None


def save_organization(workspace, actor, organization, *, name, domain, now):
    """Create (`organization` None) or edit one; customers at its domain without one join it. Returns it."""
    name = " ".join((name or "").split())[:200]
    if not name:
        raise OrganizationError("Give the organization a name.")
    domain = _clean_domain(domain)
    try:
        with db.database.atomic():
            if organization is None:
                organization = Organization.create(workspace=workspace, name=name, domain=domain, created_at=now)
            else:
                organization.name, organization.domain = name, domain
                organization.save()
            joined = 0
            if domain:
                joined = (Customer.update(organization=organization)
                          .where(Customer.workspace == workspace, Customer.organization.is_null(),
                                 Customer.email.endswith(f"@{domain}"))
                          .execute())
    except IntegrityError:
        raise OrganizationError(f"Another organization already has the domain {domain}.") from None
    audit.record("organization_saved", now=now, workspace=workspace, actor=actor, organization=organization.id,
                 customers_joined=joined)
    return organization


def set_organization(customer, organization, *, now):
    """Put `customer` in `organization` (one of its workspace's, or None for none)."""
    if organization is not None and organization.workspace_id != customer.workspace_id:
        raise LookupError(organization.id)
    customer.organization, customer.updated_at = organization, now
    customer.save(only=[Customer.organization, Customer.updated_at])


def list_organizations(workspace, *, after_name=None, after_id=None, limit=PAGE_SIZE):
    """Organizations by name, keyset pages (one extra row tells "more")."""
    found = Organization.of(workspace)
    if after_id is not None:
        found = found.where((Organization.name > after_name)
                            | ((Organization.name == after_name) & (Organization.id > after_id)))
    return list(found.order_by(Organization.name, Organization.id).limit(limit + 1))


def organization_tickets(workspace, organization, *, before_id=None, limit=PAGE_SIZE):
    """The tickets of the organization's customers, newest first, below `before_id` (one extra row: "more")."""
    from helpdesk.tickets.models import Ticket  # tickets import customers; only this read reaches back up

    members = Customer.of(workspace, Customer.id).where(Customer.organization == organization)
    found = Ticket.of(workspace).where(Ticket.customer.in_(members))
    if before_id is not None:
        found = found.where(Ticket.id < before_id)
    return list(found.order_by(Ticket.id.desc()).limit(limit + 1))


def organization_members(organization, limit=100):
    return list(Customer.select().where(Customer.organization == organization)
                .order_by(Customer.name, Customer.id).limit(limit))
