"""Saved views and inbox filters: the fields, private or shared, counts, search, tenant isolation."""
import re

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.tickets import saved_views
from helpdesk.tickets import services as tickets
from helpdesk.tickets.filters import Filters
from helpdesk.tickets.inbox import encode_cursor, inbox_page, search_page, view_counts
from helpdesk.tickets.models import Channel, Priority, SavedView, Status, Ticket
from tests.conftest import post, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_workspace, owner_of


@pytest.fixture
def desk(app_context):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    colleague = add_member(workspace).user
    return workspace, owner, colleague


def numbers(page):
    return [t.number for t in page.tickets]


def test_filters_read_only_known_values():
    filters = Filters.from_mapping({"status": "open", "priority": "bogus", "assignee": "x1", "mailbox": "7",
                                    "customer": " Ann@Example.COM ", "channel": "email", "other": "1"})
    assert filters.as_args() == {"status": "open", "mailbox": "7", "customer": "ann@example.com", "channel": "email"}
    assert Filters.from_json(filters.to_json()) == filters
    assert not Filters.from_mapping({})


def test_each_field_filters_the_inbox(desk):
    workspace, owner, colleague = desk
    now = utcnow()
    ann = make_customer(workspace, email="ann@client.example")
    by_mail = make_ticket(workspace, ann, channel=Channel.EMAIL, mailbox_id=5)
    urgent = make_ticket(workspace)
    tickets.change_priority(urgent, owner, Priority.URGENT, now=now)
    mine = make_ticket(workspace)
    tickets.assign(mine, owner, owner.id, now=now)
    theirs = make_ticket(workspace)
    tickets.assign(theirs, owner, colleague.id, now=now)
    tagged = make_ticket(workspace)
    tickets.set_tags(tagged, owner, ["refund"], now=now)
    pending = make_ticket(workspace)
    tickets.change_status(pending, owner, Status.PENDING, now=now)

    def found(**fields):
        return numbers(inbox_page(workspace, owner.id, view="all", filters=Filters.from_mapping(fields)))

    assert found(customer="ann@client.example") == [by_mail.number]
    assert found(channel="email") == [by_mail.number]
    assert found(mailbox="5") == [by_mail.number]
    assert found(priority="urgent") == [urgent.number]
    assert found(assignee="me") == [mine.number]
    assert found(assignee=str(colleague.id)) == [theirs.number]
    assert set(found(assignee="none")) == {by_mail.number, urgent.number, tagged.number, pending.number}
    assert found(tag="refund") == [tagged.number]
    assert found(status="pending") == [pending.number]
    assert found(status="open", assignee="none", tag="refund") == [tagged.number]
    assert numbers(inbox_page(workspace, owner.id, view="open", filters=Filters(priority="urgent"))) == [urgent.number]


def test_a_filtered_page_built_once_takes_each_requests_own_values_and_workspace(desk):
    """The SELECT of a filter's shape is built once (inbox._filtered_pages): other values, another agent and
    another workspace get their own tickets from it, in every sort and on the next page."""
    workspace, owner, colleague = desk
    other = make_workspace(name="Globex")
    other_owner = owner_of(other).user
    now = utcnow()
    ours = [make_ticket(workspace, subject=f"Ours {n}") for n in range(3)]
    theirs = [make_ticket(other, subject=f"Theirs {n}") for n in range(2)]
    for ticket in ours:
        tickets.set_tags(ticket, owner, ["refund"], now=now)
        tickets.assign(ticket, owner, colleague.id, now=now)
    for ticket in theirs:
        tickets.set_tags(ticket, other_owner, ["refund"], now=now)
        tickets.assign(ticket, other_owner, other_owner.id, now=now)
    tickets.assign(ours[0], owner, owner.id, now=now)

    def found(in_workspace, agent, sort="newest", cursor=None, **fields):
        page = inbox_page(in_workspace, agent.id, view="all", sort=sort, cursor=cursor,
                          filters=Filters.from_mapping(fields))
        return [t.subject for t in page.tickets]

    assert found(workspace, owner, assignee=str(colleague.id), tag="refund") == ["Ours 2", "Ours 1"]
    assert found(workspace, owner, assignee=str(owner.id), tag="refund") == ["Ours 0"]  # same shape, other id
    assert found(other, other_owner, assignee=str(other_owner.id), tag="refund") == ["Theirs 1", "Theirs 0"]
    assert found(workspace, owner, assignee="me", tag="refund") == ["Ours 0"]
    assert found(workspace, colleague, assignee="me", tag="refund") == ["Ours 2", "Ours 1"]  # another agent
    assert found(other, other_owner, assignee="me", tag="refund") == ["Theirs 1", "Theirs 0"]
    assert found(workspace, owner, tag="nothing-tagged") == []
    assert found(workspace, owner, sort="oldest", cursor=str(ours[0].id), tag="refund") == ["Ours 1", "Ours 2"]
    newest_first = found(workspace, owner, sort="activity", tag="refund")
    assert sorted(newest_first) == ["Ours 0", "Ours 1", "Ours 2"]
    first = Ticket.get_by_id(next(t.id for t in ours if t.subject == newest_first[0]))
    assert found(workspace, owner, sort="activity", cursor=encode_cursor(first, "activity"), tag="refund") \
        == newest_first[1:]


def test_private_and_shared_views_with_counts(desk):
    workspace, owner, colleague = desk
    now = utcnow()
    for _ in range(3):
        tickets.change_priority(make_ticket(workspace), owner, Priority.HIGH, now=now)
    tickets.set_tags(make_ticket(workspace), owner, ["vip"], now=now)
    tagged = saved_views.save_view(workspace, colleague.id, "VIP", Filters(tag="vip"), shared=True, now=now)
    private = saved_views.save_view(workspace, owner.id, "My high", Filters(priority="high"), shared=False, now=now)
    shared = saved_views.save_view(workspace, owner.id, "Team high open", Filters(priority="high", status="open"),
                                   shared=True, now=now)
    assert [v.name for v in saved_views.visible_views(workspace, owner.id)] == ["My high", "Team high open", "VIP"]
    assert [v.name for v in saved_views.visible_views(workspace, colleague.id)] == ["Team high open", "VIP"]
    with pytest.raises(LookupError):
        saved_views.get_view(workspace, colleague.id, private.id)
    counts = view_counts(workspace, owner.id, saved=saved_views.visible_views(workspace, owner.id))
    assert counts[f"saved-{private.id}"] == 3 and counts[f"saved-{shared.id}"] == 3
    assert counts[f"saved-{tagged.id}"] == 1
    with pytest.raises(LookupError):
        saved_views.delete_view(workspace, colleague.id, shared.id)  # only its owner deletes it
    with pytest.raises(tickets.TicketError):
        saved_views.save_view(workspace, owner.id, "  ", Filters(priority="high"), shared=False, now=now)
    with pytest.raises(tickets.TicketError):
        saved_views.save_view(workspace, owner.id, "Nothing", Filters(), shared=False, now=now)


def test_a_tag_filter_lists_and_counts_a_ticket_once_whatever_its_other_tags(desk):
    """The tag is a join on (ticket, tag): a ticket with several tags is one row, in every list and count."""
    workspace, owner, _ = desk
    now = utcnow()
    ann = make_customer(workspace, email="ann@client.example")
    many = make_ticket(workspace, ann, subject="Many tags")
    tickets.set_tags(many, owner, ["refund", "vip", "urgent-ish"], now=now)
    tickets.set_tags(make_ticket(workspace, ann, subject="Other tag"), owner, ["vip"], now=now)
    other = make_workspace(name="Other")
    tickets.set_tags(make_ticket(other, subject="Refund elsewhere"), owner_of(other).user, ["refund"], now=now)
    refund = Filters(tag="refund")
    view = saved_views.save_view(workspace, owner.id, "Refunds", refund, shared=False, now=now)
    assert view_counts(workspace, owner.id, saved=[view])[f"saved-{view.id}"] == 1
    for probe_tag in (False, True):  # the counts' form on PostgreSQL, tried on either database
        narrowed = refund.narrow(Ticket.of(workspace, Ticket.id), workspace, owner.id, probe_tag=probe_tag)
        assert [t.id for t in narrowed] == [many.id]
    for page_view in ("open", "all"):
        assert numbers(inbox_page(workspace, owner.id, view=page_view, filters=refund)) == [many.number]
    assert numbers(search_page(workspace, "tags", filters=refund, user_id=owner.id)) == [many.number]
    assert numbers(search_page(workspace, "ann@client.example", filters=refund, user_id=owner.id)) == [many.number]
    assert numbers(search_page(workspace, "ann@client.example", filters=Filters(tag="vip"), user_id=owner.id)) == [
        t.number for t in Ticket.of(workspace).order_by(Ticket.id.desc())]


def test_search_finds_an_email_address_exactly_and_takes_filters(desk):
    workspace, owner, _ = desk
    ann = make_customer(workspace, email="ann@acme.example", name="Ann")
    annie = make_customer(workspace, email="annie@acme.example.org", name="Annie")
    first = make_ticket(workspace, ann, subject="Printer jam")
    make_ticket(workspace, annie, subject="Printer jam too")
    assert numbers(search_page(workspace, "ann@acme.example")) == [first.number]
    assert numbers(search_page(workspace, " ANN@acme.example ")) == [first.number]
    tickets.change_priority(first, owner, Priority.URGENT, now=utcnow())
    assert numbers(search_page(workspace, "printer", filters=Filters(priority="urgent"), user_id=owner.id)) == [
        first.number]


def test_a_search_page_built_once_takes_each_searchs_own_filters_agent_and_workspace(desk):
    workspace, owner, colleague = desk
    other = make_workspace(name="Globex")
    now = utcnow()
    urgent, high, colleagues = (make_ticket(workspace, subject=f"Printer {n}") for n in ("urgent", "high", "theirs"))
    tickets.change_priority(urgent, owner, Priority.URGENT, now=now)
    tickets.change_priority(high, owner, Priority.HIGH, now=now)
    tickets.assign(colleagues, owner, colleague.id, now=now)
    tickets.change_priority(make_ticket(other, subject="Printer elsewhere"), owner_of(other).user, Priority.URGENT,
                            now=now)

    def found(in_workspace, agent, **fields):
        return [t.subject for t in search_page(in_workspace, "printer", filters=Filters.from_mapping(fields),
                                               user_id=agent.id).tickets]

    assert found(workspace, owner) == ["Printer theirs", "Printer high", "Printer urgent"]
    assert found(workspace, owner, priority="urgent") == ["Printer urgent"]
    assert found(workspace, owner, priority="high") == ["Printer high"]  # the same SELECT, another value
    assert found(other, owner_of(other).user, priority="urgent") == ["Printer elsewhere"]
    assert found(workspace, colleague, assignee="me") == ["Printer theirs"]
    assert found(workspace, owner, assignee="me") == []


def test_saving_opening_and_deleting_a_view_in_the_inbox(client, desk):
    workspace, owner, colleague = desk
    tickets.change_priority(make_ticket(workspace, subject="Server down"), owner, Priority.URGENT, now=utcnow())
    make_ticket(workspace, subject="Small question")
    sign_in(client, owner)
    base = f"/w/{workspace.slug}/tickets/"
    filtered = client.get(base + "?view=all&priority=urgent").get_data(as_text=True)
    assert "Server down" in filtered and "Small question" not in filtered and "Save as view" in filtered
    response = post(client, base + "views", {"name": "Urgent <b>now</b>", "priority": "urgent", "shared": "y"})
    view = SavedView.get()
    assert response.location.endswith(f"?saved={view.id}")
    page = client.get(base + f"?saved={view.id}").get_data(as_text=True)
    assert "Server down" in page and "Small question" not in page
    assert "Urgent &lt;b&gt;now&lt;/b&gt;" in page and "<b>now" not in page
    assert re.search(r'Urgent &lt;b&gt;now&lt;/b&gt; <span class="muted">\(shared\)</span></span> '
                     r'<span class="count">1</span>', page)
    assert post(client, base + f"views/{view.id}/delete").status_code == 302
    assert SavedView.select().count() == 0


def test_views_are_isolated_between_workspaces_and_people(client, desk):
    workspace, owner, colleague = desk
    other = make_workspace(name="Other")
    foreign = saved_views.save_view(other, owner_of(other).user.id, "Theirs", Filters(priority="high"),
                                    shared=True, now=utcnow())
    private = saved_views.save_view(workspace, owner.id, "Mine only", Filters(priority="high"), shared=False,
                                    now=utcnow())
    sign_in(client, colleague)
    base = f"/w/{workspace.slug}/tickets/"
    assert client.get(base + f"?saved={foreign.id}").status_code == 404
    assert client.get(base + f"?saved={private.id}").status_code == 404
    assert "Mine only" not in client.get(base).get_data(as_text=True)
    assert post(client, base + f"views/{private.id}/delete").status_code == 404
    assert post(client, base + f"views/{foreign.id}/delete").status_code == 404
    assert client.post(base + "views", data={"name": "No token", "priority": "high"}).status_code == 400
    assert SavedView.select().count() == 2


def test_a_view_or_filter_with_a_tag_pages_on(client, desk):
    """A saved view (or filters) with a tag and more than a page of tickets: the next page's link works."""
    from helpdesk.tickets.inbox import PAGE_SIZE

    workspace, owner, _ = desk
    for n in range(PAGE_SIZE + 3):
        tickets.set_tags(make_ticket(workspace, subject=f"Refund {n}"), owner, ["refund"], now=utcnow())
    view = saved_views.save_view(workspace, owner.id, "Open refunds", Filters(status="open", tag="refund"),
                                 shared=False, now=utcnow())
    sign_in(client, owner)
    for url in (f"/w/{workspace.slug}/tickets/?saved={view.id}",
                f"/w/{workspace.slug}/tickets/?view=all&status=open&tag=refund&assignee=none"):
        page = client.get(url)
        assert page.status_code == 200, url
        next_link = re.search(r'href="([^"]+)">Next page', page.get_data(as_text=True)).group(1).replace("&amp;", "&")
        assert "tag=refund" in next_link or f"saved={view.id}" in next_link
        following = client.get(next_link).get_data(as_text=True)
        assert following.count('class="subject"') == 3, url


def test_a_saved_view_counts_to_100(client, desk):
    from helpdesk.tickets.inbox import SAVED_COUNT_CAP

    workspace, owner, _ = desk
    for n in range(SAVED_COUNT_CAP + 2):
        make_ticket(workspace, subject=f"Question {n}")
    view = saved_views.save_view(workspace, owner.id, "Everything open", Filters(status="open"), shared=False,
                                 now=utcnow())
    assert view_counts(workspace, owner.id, [view])[f"saved-{view.id}"] == SAVED_COUNT_CAP
    sign_in(client, owner)
    page = client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)
    assert re.search(r'Everything open</span> <span class="count">100\+</span>', page)
    assert f'<span class="count">{SAVED_COUNT_CAP + 2}</span>' in page  # the fixed views count on


@pytest.mark.parametrize("fields", [dict(status="open", assignee="none"), dict(status="open"), dict(tag="refund")])
def test_a_snoozed_ticket_waits_in_snoozed_not_in_a_saved_views_page_or_count(desk, fields):
    from datetime import timedelta

    from helpdesk.tickets.snooze import snooze, wake_due_tickets

    workspace, owner, _ = desk
    now = utcnow()
    awake, sleeping = make_ticket(workspace, subject="Awake"), make_ticket(workspace, subject="Sleeping")
    for ticket in (awake, sleeping):
        tickets.set_tags(ticket, owner, ["refund"], now=now)
    snooze(sleeping, owner, now + timedelta(hours=1), now=now)
    view = saved_views.save_view(workspace, owner, "Refunds", Filters(**fields), shared=False, now=now)
    for sort in ("newest", "oldest", "activity"):
        page = inbox_page(workspace, owner.id, view="all", sort=sort, filters=Filters(**fields))
        assert numbers(page) == [awake.number], sort
    assert view_counts(workspace, owner.id, saved=[view])[f"saved-{view.id}"] == 1
    wake_due_tickets(now + timedelta(hours=2))
    for sort in ("newest", "oldest", "activity"):
        page = inbox_page(workspace, owner.id, view="all", sort=sort, filters=Filters(**fields))
        assert sorted(numbers(page)) == [awake.number, sleeping.number], sort
    assert view_counts(workspace, owner.id, saved=[view])[f"saved-{view.id}"] == 2
