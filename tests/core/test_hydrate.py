"""core/hydrate.py: a prepared SELECT's later rows are the instances peewee itself makes, field by field."""
from datetime import timedelta

from peewee import JOIN

from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.core.selects import PreparedSelect
from helpdesk.extensions import db
from helpdesk.helpcenter.models import HelpCenter
from helpdesk.tickets import inbox, page
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Tag, Ticket
from helpdesk.workspaces.models import Membership, Workspace
from helpdesk.workspaces.services import memberships_of
from tests.factories import add_member, make_customer, make_ticket, make_user, make_workspace, owner_of


def made(instance, depth=0):
    """Everything an instance holds: its class, values, dirty set, joined instances and other attributes."""
    if instance is None or depth > 3:
        return instance
    if isinstance(instance, tuple):
        return instance
    extra = {k: v for k, v in vars(instance).items() if k not in ("__data__", "_dirty", "__rel__")}
    return (type(instance), dict(instance.__data__), set(instance._dirty), extra,
            {k: made(v, depth + 1) for k, v in instance.__rel__.items()})


def hydrator_of(prepared):
    return prepared._hydrators.get(db.database.obj)


def assert_same_rows(build, *values, hydrated=True):
    """A prepared `build` gives peewee's rows at its first run (peewee's wrapper) and at its second (the hydrator,
    unless the rows are not `hydrated`)."""
    prepared = PreparedSelect(build, len(values))
    expected = [made(row) for row in build(*values)]
    assert expected, "a comparison needs rows"
    assert [made(row) for row in prepared.rows(*values)] == expected
    assert bool(hydrator_of(prepared)) is hydrated
    assert [made(row) for row in prepared.rows(*values)] == expected
    return prepared


def test_the_inbox_list_with_and_without_an_assignee_and_a_snooze(app_context):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    nameless = make_customer(workspace, email="nameless@client.example", name="")
    assigned = make_ticket(workspace, nameless, subject="Assigned", now=utcnow() - timedelta(days=2))
    tickets.assign(assigned, owner, owner.id, now=utcnow())
    make_ticket(workspace, subject="Nobody's")
    prepared = assert_same_rows(lambda workspace_id: inbox._listing().where(Ticket.workspace == workspace_id)
                                .order_by(Ticket.id.desc()), workspace.id)
    newest, oldest = prepared.rows(workspace.id)
    assert newest.assignee is None and newest.assignee_id is None and newest.customer.name
    assert oldest.assignee.name == owner.name and oldest.assignee_id == owner.id and oldest.customer.name == ""
    assert isinstance(oldest.updated_at, type(utcnow())) and oldest.snoozed_until is None


def test_the_ticket_page_s_ticket_with_its_computed_columns_and_its_messages(app_context):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    ticket = make_ticket(workspace, subject="Printer")
    tickets.set_tags(ticket, owner, ["vip", "refund"], now=utcnow())
    tickets.add_note(ticket, owner, "Looking", now=utcnow())
    assert_same_rows(lambda w, u, n: page._page_ticket_query(w, u).where(Ticket.number == n).limit(1),
                     workspace.id, owner.id, ticket.number)
    found = page.page_ticket(workspace, owner, number=ticket.number)
    found = page.page_ticket(workspace, owner, number=ticket.number)  # the second run: hydrated
    assert found.tag_names == ["refund", "vip"] and found.watching is False and found.customer.email
    messages = page._MESSAGES._build(ticket.id)
    assert_same_rows(lambda ticket_id: page._MESSAGES._build(ticket_id), ticket.id)
    assert [m.author is None for m in messages] == [True, False]  # the customer's, then the agent's note


def test_one_model_a_join_with_attr_and_booleans(app_context):
    with_settings, bare = make_workspace(name="Acme"), make_workspace(name="Bare")
    HelpCenter.create(workspace=with_settings, display_name="Acme Help", updated_at=utcnow())
    for workspace in (with_settings, bare):
        assert_same_rows(lambda slug: Workspace.select(Workspace, HelpCenter).join(
            HelpCenter, JOIN.LEFT_OUTER, on=(HelpCenter.workspace == Workspace.id), attr="help_center")
            .where(Workspace.slug == slug), workspace.slug)
    member = make_user(name="Zoe")
    add_member(bare, member)
    add_member(with_settings, member)
    assert_same_rows(lambda user_id: Membership.select(Membership, Workspace).join(Workspace)
                     .where(Membership.user == user_id), member.id)
    assert [m.workspace.name for m in memberships_of(member.id) + memberships_of(member.id)] == ["Acme", "Bare"] * 2
    assert_same_rows(lambda user_id: User.select().where(User.id == user_id), member.id)  # booleans, times


def test_tuple_rows_stay_peewee_s(app_context):
    workspace = make_workspace(name="Acme")
    tickets.set_tags(make_ticket(workspace), owner_of(workspace).user, ["vip"], now=utcnow())
    prepared = assert_same_rows(lambda w: Tag.select(Tag.name).where(Tag.workspace == w).tuples(), workspace.id,
                                hydrated=False)
    assert prepared.rows(workspace.id) == [("vip",)] and hydrator_of(prepared) is False
