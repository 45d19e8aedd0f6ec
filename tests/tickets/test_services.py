"""Ticket rules: numbering, the conversation, status machine, assignment, tags, bulk, canned replies."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.customers.services import create_customer
from helpdesk.tickets import services as tickets
from helpdesk.tickets.inbox import inbox_page, new_ticket_count, newest_ticket_id, search_page, view_counts
from helpdesk.tickets.models import Attachment, Message, Status, Ticket, TicketEvent
from tests.factories import add_member, make_customer, make_ticket, make_workspace

pytestmark = pytest.mark.usefixtures("app_context")  # replies enqueue their delivery job


@pytest.fixture
def workspace():
    return make_workspace(name="Acme")


@pytest.fixture
def agent(workspace):
    return workspace.membership_set.get().user


def test_tickets_are_numbered_per_workspace(workspace):
    other = make_workspace()
    assert [make_ticket(workspace).number for _ in range(3)] == [1, 2, 3]
    assert make_ticket(other).number == 1


def test_open_ticket_records_the_first_message_and_event(workspace, agent):
    customer = make_customer(workspace, name="Carla Client")
    ticket = make_ticket(workspace, customer, subject="Printer jam", body="It jams on page 2", actor=agent)
    (message,) = ticket.messages
    assert message.kind == Message.CUSTOMER and message.customer_id == customer.id
    assert ticket.status == Status.OPEN and ticket.preview == "It jams on page 2"
    assert [e.kind for e in ticket.events] == ["created"]


def test_customer_reply_reopens_a_solved_ticket(workspace, agent):
    ticket = make_ticket(workspace)
    now = ticket.created_at
    tickets.change_status(ticket, agent, Status.SOLVED, now=now)
    assert ticket.solved_at == now
    tickets.add_customer_message(ticket, "Still broken!", now=now + timedelta(hours=1))
    ticket = Ticket.get_by_id(ticket.id)
    assert ticket.status == Status.OPEN and ticket.solved_at is None
    assert ticket.last_customer_activity_at == now + timedelta(hours=1)
    assert TicketEvent.select().where(TicketEvent.kind == "status").count() == 2


def test_reply_sets_first_response_and_is_queued_for_delivery(workspace, agent, connect_mailbox):
    connect_mailbox(workspace)
    ticket = make_ticket(workspace)
    now = ticket.created_at + timedelta(minutes=5)
    message = tickets.reply(ticket, agent, "We are on it.", now=now, status_after=Status.PENDING)
    ticket = Ticket.get_by_id(ticket.id)
    assert ticket.first_response_at == now and ticket.status == Status.PENDING
    assert message.kind == Message.REPLY


def test_empty_reply_is_refused(workspace, agent, connect_mailbox):
    connect_mailbox(workspace)
    with pytest.raises(tickets.TicketError, match="Write a reply"):
        tickets.reply(make_ticket(workspace), agent, "   ", now=None)


def test_reply_that_could_not_reach_the_customer_or_come_back_is_refused(workspace, agent, connect_mailbox):
    ticket = make_ticket(workspace)
    with pytest.raises(tickets.ReplyRefused) as refused:
        tickets.reply(ticket, agent, "We are on it.", now=ticket.created_at)
    assert refused.value.reason == tickets.NO_MAILBOX
    connect_mailbox(workspace)
    walk_in = create_customer(workspace, name="Paul", email=None, phone="+33 6", notes="", now=ticket.created_at)
    with pytest.raises(tickets.ReplyRefused) as refused:
        tickets.reply(make_ticket(workspace, walk_in), agent, "We are on it.", now=ticket.created_at)
    assert refused.value.reason == tickets.NO_CUSTOMER_EMAIL
    assert not Message.select().where(Message.kind == Message.REPLY).exists()
    assert tickets.reply_refusal(ticket) is None


def test_status_machine_refuses_impossible_moves(workspace, agent):
    ticket = make_ticket(workspace)
    tickets.change_status(ticket, agent, Status.CLOSED, now=ticket.created_at)
    with pytest.raises(tickets.TicketError, match="closed ticket cannot become pending"):
        tickets.change_status(ticket, agent, Status.PENDING, now=ticket.created_at)


def test_assign_only_members_of_the_workspace(workspace, agent):
    ticket = make_ticket(workspace)
    stranger = make_workspace().membership_set.get().user
    with pytest.raises(tickets.TicketError):
        tickets.assign(ticket, agent, stranger.id, now=ticket.created_at)
    colleague = add_member(workspace).user
    tickets.assign(ticket, agent, colleague.id, now=ticket.created_at)
    event = TicketEvent.get(TicketEvent.kind == "assigned")
    assert event.details["name"] == colleague.name


def test_tags_are_normalized_and_diffed(workspace, agent):
    ticket = make_ticket(workspace)
    assert tickets.set_tags(ticket, agent, ["Billing", " VIP  customer"], now=ticket.created_at) == [
        "billing", "vip-customer"]
    tickets.set_tags(ticket, agent, ["billing"], now=ticket.created_at)
    last = TicketEvent.select().where(TicketEvent.kind == "tags").order_by(TicketEvent.id.desc()).get()
    assert last.details == {"added": [], "removed": ["vip-customer"]}


def test_bulk_close_and_assign(workspace, agent):
    batch = [make_ticket(workspace) for _ in range(3)]
    other = make_ticket(make_workspace())
    ids = [t.id for t in batch] + [other.id]
    assert tickets.bulk_update(workspace, agent, ids, "close", None, now=batch[0].created_at).changed == 3
    assert Ticket.get_by_id(other.id).status == Status.OPEN  # another workspace's ticket is untouched


def test_canned_reply_placeholders(workspace, agent):
    customer = make_customer(workspace, name="Carla")
    ticket = make_ticket(workspace, customer)
    text = tickets.fill_placeholders("Hi {{customer.name}}, about #{{ ticket.number }}: {{unknown}}", ticket,
                                     customer, agent)
    assert text == f"Hi Carla, about #{ticket.number}: {{{{unknown}}}}"


def test_inbox_views_counts_and_keyset_pages(workspace, agent):
    made = [make_ticket(workspace) for _ in range(30)]
    tickets.assign(made[0], agent, agent.id, now=made[0].created_at)
    tickets.change_status(made[1], agent, Status.PENDING, now=made[1].created_at)
    counts = view_counts(workspace, agent.id)
    assert counts == {"unassigned": 28, "mine": 1, "open": 29, "pending": 1, "solved": 0, "closed": 0, "snoozed": 0, "all": 30}
    first = inbox_page(workspace, agent.id, view="open")
    assert len(first.tickets) == 25 and first.next_cursor
    second = inbox_page(workspace, agent.id, view="open", cursor=first.next_cursor)
    numbers = [t.number for t in first.tickets + second.tickets]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == 29 and second.next_cursor is None
    oldest = inbox_page(workspace, agent.id, view="open", sort="oldest")
    assert oldest.tickets[0].number == 1


def test_each_view_pages_with_its_own_condition_and_a_mangled_cursor_shows_the_first_page(workspace, agent):
    other = make_workspace(name="Other")
    made = [make_ticket(workspace) for _ in range(27)]
    make_ticket(other)  # never listed here
    for ticket in made[:26]:
        tickets.assign(ticket, agent, agent.id, now=ticket.created_at)
    colleague = add_member(workspace).user
    tickets.assign(made[26], agent, colleague.id, now=made[26].created_at)
    mine = inbox_page(workspace, agent.id, view="mine")
    assert len(mine.tickets) == 25 and {t.assignee.id for t in mine.tickets} == {agent.id}
    assert [t.number for t in inbox_page(workspace, agent.id, view="mine", cursor=mine.next_cursor).tickets] == [1]
    assert [t.number for t in inbox_page(workspace, colleague.id, view="mine").tickets] == [27]
    for sort in ("newest", "oldest", "activity"):
        for cursor in ("abc", "9" * 30, "2026-13-45|7", "|", str(-2 ** 70)):
            page = inbox_page(workspace, agent.id, view="open", sort=sort, cursor=cursor)
            assert page.tickets == inbox_page(workspace, agent.id, view="open", sort=sort).tickets, (sort, cursor)
    with pytest.raises(LookupError):
        inbox_page(workspace, agent.id, view="nonsense")


def all_pages(workspace, agent, **options):
    pages = [inbox_page(workspace, agent.id, **options)]
    while pages[-1].next_cursor:
        pages.append(inbox_page(workspace, agent.id, cursor=pages[-1].next_cursor, **options))
    return [t.number for page in pages for t in page.tickets]


@pytest.mark.parametrize("sort", ["newest", "oldest", "activity"])
def test_a_tags_pages_list_each_tagged_ticket_once_in_order(workspace, agent, sort):
    made = [make_ticket(workspace) for _ in range(60)]
    for n, ticket in enumerate(made, start=1):
        tickets.set_tags(ticket, agent, ["vip"] if n % 2 else ["other"], now=ticket.created_at)
        if n % 3 == 0:  # activity order differs from numbering
            tickets.add_customer_message(ticket, "One more thing", now=ticket.created_at + timedelta(days=n))
    elsewhere = make_ticket(make_workspace(), subject="Elsewhere")
    tickets.set_tags(elsewhere, agent, ["vip"], now=elsewhere.created_at)  # another workspace's tag, same name
    vip = [n for n in range(1, 61) if n % 2]
    expected = {"newest": vip[::-1], "oldest": vip,
                "activity": sorted(vip, key=lambda n: (made[n - 1].created_at + timedelta(days=n if n % 3 == 0 else 0),
                                                       n), reverse=True)}[sort]
    assert all_pages(workspace, agent, tag="vip", sort=sort) == expected
    assert all_pages(workspace, agent, tag="absent", sort=sort) == []


def test_search_finds_subject_messages_and_customer(workspace, agent, connect_mailbox):
    connect_mailbox(workspace)
    customer = make_customer(workspace, email="zoe@zebra.example", name="Zoë Zimmer")
    ticket = make_ticket(workspace, customer, subject="Invoice missing", body="Where is my invoice?")
    make_ticket(workspace, subject="Unrelated")
    tickets.reply(ticket, agent, "Your refund is underway", now=ticket.created_at)
    make_ticket(make_workspace(), subject="Invoice missing too")  # another workspace
    for query in ("invoice", "refund", "zebra", "Zimmer", "invo"):
        assert [t.id for t in search_page(workspace, query).tickets] == [ticket.id], query
    assert search_page(workspace, "nothing-like-this").tickets == []


def test_mailed_attachment_names_lose_bidi_overrides_and_control_characters(workspace):
    """Inbound mail hands its attachments to open_ticket / add_customer_message: the names are cleaned there."""
    named = [SimpleNamespace(filename=name, content_type="application/pdf", data=b"%PDF") for name in
             ("contract\u202efdp.exe", "a\x00b\tc\u2066.pdf", "\u200f\u202e")]
    ticket = make_ticket(workspace, attachments=named[:1])
    tickets.add_customer_message(ticket, "Two more", now=ticket.created_at, attachments=named[1:])
    assert [a.filename for a in Attachment.select().order_by(Attachment.id)] == [
        "contractfdp.exe", "abc.pdf", "attachment"]


def test_undoing_a_bulk_close_gives_each_ticket_its_previous_status(workspace, agent):
    now = utcnow()
    opened, pending, solved, reopened = (make_ticket(workspace) for _ in range(4))
    tickets.change_status(pending, agent, Status.PENDING, now=now)
    tickets.change_status(solved, agent, Status.SOLVED, now=now - timedelta(days=2))
    closing = [t.id for t in (opened, pending, solved, reopened)]
    result = tickets.bulk_update(workspace, agent, closing, "close", None, now=now)
    assert result.changed == 4 and len(result.closed_events) == 4
    assert {t.status for t in Ticket.select()} == {Status.CLOSED}
    tickets.change_status(Ticket.get_by_id(reopened.id), agent, Status.OPEN, now=now)  # changed since: left alone
    other = make_workspace()
    assert tickets.undo_close(other, agent, result.closed_events, now=now) == 0  # another workspace's events

    assert tickets.undo_close(workspace, agent, result.closed_events, now=now + timedelta(seconds=5)) == 3

    statuses = {t.id: (t.status, t.solved_at) for t in Ticket.select()}
    assert statuses[opened.id] == (Status.OPEN, None) and statuses[pending.id] == (Status.PENDING, None)
    assert statuses[solved.id] == (Status.SOLVED, now - timedelta(days=2))
    assert statuses[reopened.id] == (Status.OPEN, None)
    assert tickets.undo_close(workspace, agent, result.closed_events, now=now) == 0  # undone once only
    last = TicketEvent.select().where(TicketEvent.ticket == pending.id).order_by(TicketEvent.id.desc()).get()
    assert last.details == {"before": "closed", "after": "pending", "reason": "undo"}


def test_setting_closed_in_bulk_is_a_close_that_can_be_undone(workspace, agent):
    ticket = make_ticket(workspace)
    result = tickets.bulk_update(workspace, agent, [ticket.id], "status", Status.CLOSED, now=ticket.created_at)
    assert tickets.undo_close(workspace, agent, result.closed_events, now=ticket.created_at) == 1
    assert Ticket.get_by_id(ticket.id).status == Status.OPEN


def test_a_close_by_hand_is_not_undone_by_undo_close(workspace, agent):
    ticket = make_ticket(workspace)
    tickets.change_status(ticket, agent, Status.CLOSED, now=ticket.created_at)
    event = TicketEvent.select().where(TicketEvent.kind == "status").get()
    assert tickets.undo_close(workspace, agent, [event.id], now=ticket.created_at) == 0


def _with_statuses(workspace, agent, count=40):
    """`count` tickets, every status in turn, with activity in another order than creation."""
    made = [make_ticket(workspace) for _ in range(count)]
    for n, ticket in enumerate(made):
        if n % 5 == 0:
            tickets.add_customer_message(ticket, "Any news?", now=ticket.created_at + timedelta(days=count - n))
        status = Status.ALL[n % 4]
        if status == Status.CLOSED:
            tickets.change_status(ticket, agent, Status.CLOSED, now=ticket.created_at)
        elif status != Status.OPEN:
            tickets.change_status(ticket, agent, status, now=ticket.created_at)
    return [Ticket.get_by_id(t.id) for t in made]


@pytest.mark.parametrize("sort", ["newest", "oldest", "activity"])
def test_all_and_closed_views_page_through_every_ticket_once_in_order(workspace, agent, sort):
    made = _with_statuses(workspace, agent)
    make_ticket(make_workspace())  # another workspace's ticket is in no view
    key = {"newest": lambda t: -t.id, "oldest": lambda t: t.id,
           "activity": lambda t: (-t.last_customer_activity_at.timestamp(), -t.id)}[sort]
    assert all_pages(workspace, agent, view="all", sort=sort) == [t.number for t in sorted(made, key=key)]
    closed = [t for t in made if t.status == Status.CLOSED]
    assert all_pages(workspace, agent, view="closed", sort=sort) == [t.number for t in sorted(closed, key=key)]
    counts = view_counts(workspace, agent.id)
    assert (counts["all"], counts["closed"]) == (40, 10)


def test_new_ticket_count_counts_only_tickets_new_to_the_view(workspace, agent):
    solved = make_ticket(workspace)
    tickets.change_status(solved, agent, Status.SOLVED, now=solved.created_at)
    newest = newest_ticket_id(workspace)
    assert newest == solved.id
    arrived = [make_ticket(workspace) for _ in range(3)]
    tickets.assign(arrived[0], agent, agent.id, now=arrived[0].created_at)
    tickets.set_tags(arrived[1], agent, ["vip"], now=arrived[1].created_at)
    make_ticket(make_workspace())
    counts = {view: new_ticket_count(workspace, agent.id, newest, view=view) for view in
              ("open", "mine", "unassigned", "solved", "closed", "all")}
    assert counts == {"open": 3, "mine": 1, "unassigned": 2, "solved": 0, "closed": 0, "all": 3}
    assert new_ticket_count(workspace, agent.id, newest, tag="vip") == 1
    assert new_ticket_count(workspace, agent.id, newest, tag="absent") == 0


def test_a_number_search_lists_that_ticket_first_then_each_text_match_once(workspace, agent):
    made = [make_ticket(workspace, subject=f"Order {n}", body="Reference 7 again") for n in range(1, 41)]
    seventh = made[6]
    pages = [search_page(workspace, "7", numbered=seventh)]
    while pages[-1].next_cursor:
        pages.append(search_page(workspace, "7", cursor=pages[-1].next_cursor, numbered=seventh))
    numbers = [t.number for page in pages for t in page.tickets]
    assert numbers == [7] + [n for n in range(40, 0, -1) if n != 7]
    assert len(pages) == 2 and len(pages[0].tickets) == 25


def test_the_tags_of_more_tickets_than_one_batch_each_sorted(workspace, agent):
    numbered = [make_ticket(workspace) for _ in range(tickets.TAGS_BATCH + 4)]
    for n, ticket in enumerate(numbered):
        tickets.set_tags(ticket, agent, ["zeta", f"tag-{n:02d}"] if n % 3 else [], now=utcnow())
    ids = [t.id for t in numbered]
    found = tickets.tags_of(ids + ids[:2])  # an id twice: listed once
    assert list(found) == ids
    assert all(found[t.id] == ([f"tag-{n:02d}", "zeta"] if n % 3 else []) for n, t in enumerate(numbered))
    assert tickets.tags_of([]) == {} and tickets.tags_of([ids[1]]) == {ids[1]: ["tag-01", "zeta"]}
