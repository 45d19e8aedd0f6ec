"""PreparedSelect: the SQL text built once, the rows the same as peewee's own for the same query."""
import pytest
from peewee import JOIN

from bench.querycount import count_queries
from helpdesk.core.clock import utcnow
from helpdesk.core.selects import PreparedSelect
from helpdesk.helpcenter.models import HelpCenter
from helpdesk.knowledge import services as kb
from helpdesk.workspaces.models import Workspace
from tests.factories import make_workspace


def by_slug(slug):
    return (Workspace.select(Workspace, HelpCenter)
            .join(HelpCenter, JOIN.LEFT_OUTER, on=(HelpCenter.workspace == Workspace.id), attr="help_center")
            .where(Workspace.slug == slug, Workspace.status != "deleted").limit(1))


def data(row):
    return None if row is None else row.__data__


def test_rows_are_peewee_s_own_for_each_value_with_one_statement_each(app_context):
    with_settings, without = make_workspace(name="Acme"), make_workspace(name="Bare")
    HelpCenter.create(workspace=with_settings, display_name="Acme Help", updated_at=utcnow())
    kb.touch(with_settings, utcnow())
    prepared = PreparedSelect(by_slug, 1)
    for workspace in (with_settings, without, with_settings):
        with count_queries() as counter:
            found = prepared.first(workspace.slug)
        expected = by_slug(workspace.slug).first()
        assert counter.count == 1 and "prepared-select" not in counter.statements[0]
        assert found.__data__ == expected.__data__
        assert data(getattr(found, "help_center", None)) == data(getattr(expected, "help_center", None))
    assert found.help_center.display_name == "Acme Help"
    assert prepared.first("no-such-slug") is None
    assert [w.name for w in prepared.rows(without.slug)] == ["Bare"]


def test_a_value_that_is_not_a_parameter_of_the_query_is_refused(app_context):
    with pytest.raises(ValueError, match="appear among"):
        PreparedSelect(lambda slug: Workspace.select().where(Workspace.slug == "fixed"), 1).first("x")


def test_integers_and_datetimes_including_a_value_used_twice_give_peewee_s_rows(app_context):
    from datetime import timedelta

    from helpdesk.tickets.models import Ticket
    from tests.factories import make_customer, make_ticket

    workspace, other = make_workspace(name="Acme"), make_workspace(name="Other")
    customer = make_customer(workspace)
    old = make_ticket(workspace, customer, subject="Old", now=utcnow() - timedelta(days=3))
    new = make_ticket(workspace, customer, subject="New")
    make_ticket(other, make_customer(other), subject="Elsewhere")

    def since(workspace_id, moment):  # the workspace id twice: in the WHERE and in a subquery
        newest = Ticket.select(Ticket.id).where(Ticket.workspace == workspace_id).order_by(Ticket.id.desc()).limit(1)
        return (Ticket.select().where(Ticket.workspace == workspace_id, Ticket.updated_at > moment,
                                      Ticket.id <= newest).order_by(Ticket.id))

    prepared = PreparedSelect(since, 2)
    now = utcnow()
    for workspace_id, moment in ((workspace.id, now - timedelta(days=1)), (workspace.id, now - timedelta(days=9)),
                                 (other.id, now - timedelta(days=9)), (workspace.id, now + timedelta(days=1))):
        expected = [t.__data__ for t in since(workspace_id, moment)]
        assert [t.__data__ for t in prepared.rows(workspace_id, moment)] == expected
    assert [t.subject for t in prepared.rows(workspace.id, utcnow() - timedelta(days=9))] == ["Old", "New"]
    assert [t.id for t in prepared.rows(workspace.id, utcnow() - timedelta(days=1))] == [new.id] != [old.id]
