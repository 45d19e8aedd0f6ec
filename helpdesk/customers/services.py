"""Customer rules: find or create by email, edit, search, merge."""
from peewee import fn

from helpdesk.accounts.services import normalize_email
from helpdesk.core import audit
from helpdesk.core.inserts import create_row
from helpdesk.customers.addresses import customer_by_email, holder_of
from helpdesk.customers.models import Customer, CustomerEmail
from helpdesk.customers.organizations import organization_for_email
from helpdesk.extensions import db


PAGE_SIZE = 25
# A customer no one can write to or call cannot be answered: the new-ticket form and the edit form say so.
NO_CONTACT = "Give at least an email address or a phone number."


class CustomerError(Exception):
    """A rule refused the action; the message is meant for the person."""


def find_or_create_customer(workspace, email, name="", *, now):
    """The workspace's customer with this email, created on first contact."""
    email = normalize_email(email)
    customer = customer_by_email(workspace, email)  # any of a customer's addresses
    if customer is None:
        organization = organization_for_email(workspace, email)
        customer = create_row(Customer, workspace=workspace, email=email, name=(name or "").strip()[:200],
                              organization=organization.id if organization else None, created_at=now, updated_at=now)
    elif name and not customer.name:
        customer.name, customer.updated_at = name.strip()[:200], now
        customer.save()
    return customer


def create_customer(workspace, *, name, email, phone, notes, now):
    """A customer entered by hand (a phone call): email or phone is required."""
    email = normalize_email(email) if email else None
    if not email and not phone.strip():
        raise CustomerError(NO_CONTACT)
    if email and holder_of(workspace, email):
        raise CustomerError(f"A customer with the email {email} already exists.")
    organization = organization_for_email(workspace, email) if email else None
    return Customer.create(workspace=workspace, email=email, name=name.strip(), phone=phone.strip(),
                           notes=notes.strip(), organization=organization, created_at=now, updated_at=now)


def update_customer(customer, *, name, email, phone, notes, now):
    """Edit a customer's details: an email or a phone stays, and the email stays unique in the workspace."""
    email = normalize_email(email) if email else None
    if not email and not phone.strip():
        raise CustomerError(NO_CONTACT)
    if email and email != customer.email and holder_of(customer.workspace_id, email, besides=customer):
        raise CustomerError(f"Another customer already has the email {email}. Merge the two instead.")
    # Made the first address: it is no longer listed among the further ones.
    CustomerEmail.delete().where(CustomerEmail.customer == customer, CustomerEmail.email == email).execute()
    customer.name, customer.email, customer.phone, customer.notes = name.strip(), email, phone.strip(), notes.strip()
    customer.updated_at = now
    customer.save()
    return customer


def search_customers(workspace, query, *, after_name=None, after_id=None, limit=PAGE_SIZE):
    """Customers whose name or email contains `query`, by name, keyset-paginated (one extra row tells "more")."""
    found = Customer.of(workspace)
    if query:
        like = f"%{query.strip().lower()}%"
        found = found.where(fn.LOWER(Customer.name).contains(query.strip().lower()) | Customer.email ** like)
    if after_id is not None:
        found = found.where((Customer.name > after_name) | ((Customer.name == after_name) & (Customer.id > after_id)))
    return list(found.order_by(Customer.name, Customer.id).limit(limit + 1))


def merge_customers(workspace, actor, keep, duplicate, *, now):
    """Move everything of `duplicate` to `keep`, fill `keep`'s blanks, delete `duplicate`."""
    # Tickets import customers; the merge is the one rule that reaches back up.
    from helpdesk.tickets.models import Message, Ticket

    if keep.id == duplicate.id:
        raise CustomerError("Choose two different customers.")
    with db.database.atomic():
        Ticket.update(customer=keep).where(Ticket.workspace == workspace, Ticket.customer == duplicate).execute()
        Message.update(customer=keep).where(Message.workspace == workspace, Message.customer == duplicate).execute()
        # Both keep working: the duplicate's addresses become further ones of `keep`.
        CustomerEmail.update(customer=keep).where(CustomerEmail.customer == duplicate).execute()
        if duplicate.email and keep.email:
            create_row(CustomerEmail, workspace=workspace, customer=keep, email=duplicate.email, created_at=now)
        for field in ("name", "phone", "organization_id"):
            if not getattr(keep, field):
                setattr(keep, field, getattr(duplicate, field))
        notes = [n for n in (keep.notes, duplicate.notes) if n]
        keep.notes = "\n\n".join(notes)
        duplicate_email = duplicate.email
        duplicate.delete_instance()
        if not keep.email:
            keep.email = duplicate_email
        keep.updated_at = now
        keep.save()
        audit.record("customers_merged", now=now, workspace=workspace, actor=actor, kept=keep.id,
                     merged_email=duplicate_email)
    return keep
