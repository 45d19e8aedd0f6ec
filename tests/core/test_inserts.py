"""create_row writes exactly what Model.create writes, on SQLite and PostgreSQL, however often a shape repeats."""
from datetime import datetime

from helpdesk.core.inserts import create_row
from helpdesk.customers.models import Customer
from helpdesk.tickets.models import Ticket
from tests.factories import make_workspace


def as_stored(model, row_id):
    data = model.select().where(model.id == row_id).dicts().get()
    data.pop("id")
    return data


def test_create_row_stores_the_same_row_as_create_defaults_included(app_context):
    workspace = make_workspace()
    now = datetime(2026, 12, 2, 10, 30, 15, 123456)
    values = dict(workspace=workspace, email="ann@client.example", name="Ann \"O'Lee\"", created_at=now, updated_at=now)
    reference = Customer.create(**values)
    made = [create_row(Customer, **{**values, "email": f"ann{n}@client.example"}) for n in range(3)]

    assert len({row.id for row in made}) == 3 and all(row.id > reference.id for row in made)
    expected = as_stored(Customer, reference.id)
    for row in made:
        assert as_stored(Customer, row.id) == {**expected, "email": row.email}
        assert not row.dirty_fields  # saved: a later save(only=dirty_fields) writes nothing stale
        assert row.workspace_id == workspace.id and row.phone == reference.phone  # the default, as create() fills it


def test_create_row_with_a_model_instance_as_foreign_key_and_none_values(app_context):
    workspace = make_workspace()
    customer = create_row(Customer, workspace=workspace, email=None, phone="+49 30 1234", created_at=datetime(2026, 1, 1),
                          updated_at=datetime(2026, 1, 1))
    ticket = create_row(Ticket, workspace=workspace, number=7, subject="Zeichen äöü \u202e", customer=customer,
                        created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1))
    stored = Ticket.get_by_id(ticket.id)
    assert (stored.customer_id, stored.subject, stored.status) == (customer.id, "Zeichen äöü \u202e", ticket.status)
    assert Customer.get_by_id(customer.id).email is None
