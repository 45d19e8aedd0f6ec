"""The benchmark seed writes what the services would have written: consistent, searchable, realistic."""
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest

from bench.seed import AGENT_PASSWORD, OLD_TAG, seed_workspace, workspace_name
from helpdesk.accounts.models import User
from helpdesk.core.passwords import check_password
from helpdesk.customers.models import Customer
from helpdesk.tickets import inbox, search
from helpdesk.tickets.models import Message, Status, Tag, Ticket, TicketEvent, TicketTag
from helpdesk.tickets.services import preview_of
from helpdesk.workspaces.models import Membership, Role
from tests.factories import make_workspace

N = 300
NOW = datetime(2026, 6, 1, 12, 0, 0)


@pytest.fixture
def seeded():
    make_workspace(name="Another team")  # the seed must leave other workspaces alone and number from 1
    result = seed_workspace(N, slug="bench", now=NOW, chunk=70)  # several chunks
    return result


def test_the_workspace_and_its_people(seeded):
    workspace = seeded.workspace
    assert workspace.slug == "bench"
    assert Ticket.of(workspace).count() == N
    members = list(Membership.of(workspace))
    assert len(members) == 20
    assert Counter(m.role for m in members)[Role.OWNER] == 1
    owner = User.get_by_id(seeded.agents[0].id)
    assert check_password(owner.password_hash, AGENT_PASSWORD)
    assert Customer.of(workspace).count() == N // 3
    assert type(workspace).get_by_id(workspace.id).name == workspace_name(N)  # marked complete


def test_ticket_numbers_are_1_to_n_in_creation_order(seeded):
    rows = list(Ticket.of(seeded.workspace, Ticket.number, Ticket.created_at).order_by(Ticket.id).tuples())
    assert [number for number, _ in rows] == list(range(1, N + 1))
    stamps = [created for _, created in rows]
    assert stamps == sorted(stamps)
    assert NOW - timedelta(days=740) < stamps[0] < NOW - timedelta(days=700) and stamps[-1] <= NOW


def test_conversations_match_the_ticket_fields(seeded):
    workspace = seeded.workspace
    messages = defaultdict(list)
    for message in Message.of(workspace).order_by(Message.id):
        messages[message.ticket_id].append(message)
    for ticket in Ticket.of(workspace):
        conversation = messages[ticket.id]
        assert 3 <= len(conversation) <= 6
        kinds = [m.kind for m in conversation]
        assert kinds[0] == Message.CUSTOMER and conversation[0].customer_id == ticket.customer_id
        # As the services keep them: notes are internal, they neither count nor preview.
        shown = [m for m in conversation if m.kind != Message.NOTE]
        assert ticket.message_count == len(shown)
        assert ticket.preview == preview_of(shown[-1].body_text)
        assert ticket.last_customer_activity_at == max(m.created_at for m in conversation
                                                       if m.kind == Message.CUSTOMER)
        replies = [m.created_at for m in conversation if m.kind == Message.REPLY]
        assert ticket.first_response_at == (replies[0] if replies else None)
        assert [m.created_at for m in conversation] == sorted(m.created_at for m in conversation)
        assert all(m.author_id for m in conversation if m.kind != Message.CUSTOMER)
        assert ticket.updated_at >= conversation[-1].created_at
        assert (ticket.solved_at is not None) == (ticket.status in (Status.SOLVED, Status.CLOSED))
        if ticket.status == Status.OPEN:
            assert kinds[-1] == Message.CUSTOMER  # waiting for an agent
        if ticket.status in (Status.PENDING, Status.SOLVED):
            assert kinds[-1] == Message.REPLY


def test_history_has_a_created_event_per_ticket(seeded):
    events = Counter(kind for (kind,) in TicketEvent.of(seeded.workspace, TicketEvent.kind).tuples())
    assert events["created"] == N
    assert events["status"] >= Ticket.of(seeded.workspace).where(Ticket.status != Status.OPEN).count()


def test_every_ticket_has_a_document_that_search_finds(seeded):
    workspace = seeded.workspace
    for ticket in Ticket.of(workspace).join(Customer, on=(Ticket.customer == Customer.id)).select(
            Ticket.id, Ticket.subject, Customer.email):
        # the customer's address is unique to a few tickets: the ticket is among its matches
        found = search.search_ticket_ids(workspace.id, ticket.customer.email, limit=N)
        assert ticket.id in found, (ticket.id, ticket.customer.email)
        assert ticket.id in search.search_ticket_ids(workspace.id, ticket.subject, limit=N)
    # a topic word hits a share of the tickets, not all or none
    assert 0 < len(search.search_ticket_ids(workspace.id, "printer", limit=N)) < N // 2
    assert search.search_ticket_ids(workspace.id + 1000, "printer") == []


def test_spread_of_status_assignees_tags_and_activity(seeded):
    workspace = seeded.workspace
    tickets = list(Ticket.of(workspace))
    statuses = Counter(t.status for t in tickets)
    assert set(statuses) == set(Status.ALL)
    assert statuses[Status.SOLVED] > statuses[Status.OPEN] > 0
    assert any(t.assignee_id is None for t in tickets if t.status == Status.OPEN)
    assert len({t.assignee_id for t in tickets if t.assignee_id}) > 10
    members = {user_id for (user_id,) in Membership.of(workspace, Membership.user).tuples()}
    assert {t.assignee_id for t in tickets if t.assignee_id} <= members
    customers = Counter(t.customer_id for t in tickets)
    assert max(customers.values()) > 2  # some customers write often
    tagged = {ticket_id for (ticket_id,) in TicketTag.of(workspace, TicketTag.ticket).tuples()}
    assert 0.25 * N < len(tagged) < 0.55 * N
    tag_ids = {tag_id for (tag_id,) in Tag.of(workspace, Tag.id).tuples()}
    assert {tag_id for (tag_id,) in TicketTag.of(workspace, TicketTag.tag).tuples()} <= tag_ids
    old_tag = Tag.of(workspace).where(Tag.name == OLD_TAG).get()
    old_tagged = {t for (t,) in TicketTag.of(workspace, TicketTag.ticket).where(TicketTag.tag == old_tag).tuples()}
    assert old_tagged and max(old_tagged) < min(t.id for t in tickets) + N * 0.03  # only on the oldest tickets
    activity = sorted(t.last_customer_activity_at for t in tickets)
    assert activity[0] < NOW - timedelta(days=600) and activity[-1] > NOW - timedelta(days=30)


def test_the_inbox_reads_the_seeded_workspace(seeded):
    workspace, agent = seeded.workspace, seeded.agents[1]
    page = inbox.inbox_page(workspace, agent.id, view="open")
    assert len(page.tickets) == inbox.PAGE_SIZE and page.next_cursor
    assert all(t.status == Status.OPEN for t in page.tickets)
    counts = inbox.view_counts(workspace, agent.id)
    assert counts["open"] == Ticket.of(workspace).where(Ticket.status == Status.OPEN).count()
    assert inbox.search_page(workspace, "refund").tickets


def test_flask_bench_seed_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bench", "seed", "--tickets", "40", "--workspace-slug", "cli-bench"])
    assert result.exit_code == 0, result.output
    assert "40 tickets" in result.output
    again = runner.invoke(args=["bench", "seed", "--tickets", "40", "--workspace-slug", "cli-bench"])
    assert again.exit_code != 0 and "exists already" in again.output
