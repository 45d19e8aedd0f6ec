"""A customer's email addresses: `Customer.email` first, further ones in `CustomerEmail`.

An address belongs to at most one customer of a workspace (checked here across both tables), so
mail from any of them, and a help-center sign-in proving one, finds the same customer.
"""
from helpdesk.accounts.services import normalize_email
from helpdesk.core.inserts import create_row
from helpdesk.customers.models import Customer, CustomerEmail


class AddressTaken(Exception):
    """The address is another customer's (or this one's already)."""


def customer_by_email(workspace, email):
    """The workspace's customer with `email` as first or further address, or None."""
    email = normalize_email(email)
    found = Customer.of(workspace).where(Customer.email == email).first()
    if found is None:
        found = (Customer.of(workspace).join(CustomerEmail, on=(CustomerEmail.customer == Customer.id))
                 .where(CustomerEmail.workspace == workspace, CustomerEmail.email == email).first())
    return found


def holder_of(workspace, email, *, besides=None):
    """The customer (other than `besides`) who has `email`, or None."""
    holder = customer_by_email(workspace, email)
    return None if holder is None or (besides is not None and holder.id == besides.id) else holder


def add_email(customer, email, *, now):
    """Give `customer` a further address. Raises AddressTaken."""
    email = normalize_email(email)
    if customer_by_email(customer.workspace_id, email) is not None:
        raise AddressTaken(f"The address {email} already belongs to a customer. Merge the two instead.")
    return create_row(CustomerEmail, workspace=customer.workspace_id, customer=customer, email=email, created_at=now)


def remove_email(customer, address_id):
    """Remove one further address of `customer` (LookupError when it is not theirs)."""
    removed = CustomerEmail.delete().where(CustomerEmail.id == address_id, CustomerEmail.customer == customer).execute()
    if not removed:
        raise LookupError(address_id)


def other_emails(customer):
    return list(CustomerEmail.select().where(CustomerEmail.customer == customer).order_by(CustomerEmail.email))


def all_emails(customer):
    """Every address of `customer`, the first one first."""
    return [e for e in [customer.email, *(row.email for row in other_emails(customer))] if e]
