"""Watching a ticket: the toggle on the ticket page, customer replies in the watchers' notifications, merges."""
from datetime import datetime, timedelta

import pytest

from helpdesk.notifications.models import Kind, Notification
from helpdesk.tickets import merging, watchers
from helpdesk.tickets import services as tickets
from helpdesk.tickets.services import TicketError
from helpdesk.tickets.watchers import TicketWatcher
from tests.conftest import post, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_user, make_workspace, owner_of

T0 = datetime(2026, 12, 3, 9, 0)


@pytest.fixture
def desk(app_context):
    """Acme with its owner, two agents (Ann, Bo) and a ticket of Carla."""
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    ann = add_member(workspace, make_user(name="Ann Example", email="ann@acme.example")).user
    bo = add_member(workspace, make_user(name="Bo Lee", email="bo@acme.example")).user
    carla = make_customer(workspace, email="carla@client.example", name="Carla")
    ticket = make_ticket(workspace, carla, subject="Printer jam", body="It jams.", now=T0)
    return workspace, owner, ann, bo, ticket


def _reply_notices(user):
    return [n.ticket_id for n in Notification.select().where(Notification.user == user.id,
                                                             Notification.kind == Kind.CUSTOMER_REPLY)]


def test_watchers_and_the_assignee_hear_of_a_customer_reply_once_each(desk):
    workspace, owner, ann, bo, ticket = desk
    tickets.assign(ticket, owner, ann.id, now=T0)
    watchers.watch(ticket, ann.id, now=T0)  # the assignee watching too: still one notice
    watchers.watch(ticket, bo.id, now=T0)
    watchers.watch(ticket, bo.id, now=T0)  # twice: one row
    assert TicketWatcher.select().where(TicketWatcher.ticket == ticket).count() == 2
    tickets.add_customer_message(ticket, "Any news?", now=T0 + timedelta(hours=1))
    assert _reply_notices(ann) == [ticket.id] and _reply_notices(bo) == [ticket.id]
    assert _reply_notices(owner) == []
    assert watchers.unwatch(ticket, bo.id) is True and watchers.unwatch(ticket, bo.id) is False
    tickets.add_customer_message(ticket, "Hello?", now=T0 + timedelta(hours=2))
    assert len(_reply_notices(bo)) == 1 and len(_reply_notices(ann)) == 2


def test_only_members_of_the_workspace_can_watch(desk):
    _, _, _, _, ticket = desk
    outsider = owner_of(make_workspace(name="Globex")).user
    with pytest.raises(TicketError):
        watchers.watch(ticket, outsider.id, now=T0)
    assert not TicketWatcher.select().exists()


def test_merging_moves_the_watchers_without_duplicates(desk):
    workspace, owner, ann, bo, kept = desk
    merged = make_ticket(workspace, kept.customer, subject="Still jamming", body="Zebra pages.", now=T0)
    watchers.watch(kept, ann.id, now=T0)
    watchers.watch(merged, ann.id, now=T0)
    watchers.watch(merged, bo.id, now=T0)
    merging.merge_tickets(workspace, owner, merged, kept, now=T0 + timedelta(hours=1))
    assert sorted(watchers.watcher_ids(kept)) == sorted([ann.id, bo.id])
    assert watchers.watcher_ids(merged) == []


def _ticket_url(workspace, ticket, path=""):
    return f"/w/{workspace.slug}/tickets/{ticket.number}{path}"


def test_an_agent_watches_and_unwatches_from_the_ticket_page(app, client, desk):
    workspace, _, ann, _, ticket = desk
    sign_in(client, ann)
    page = client.get(_ticket_url(workspace, ticket)).get_data(as_text=True)
    assert ">Watch this ticket</button>" in page
    answer = post(client, _ticket_url(workspace, ticket, "/watch"), {"watch": "1"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and ">Stop watching</button>" in answer.get_data(as_text=True)
    assert "<html" not in answer.get_data(as_text=True)  # the button alone, swapped in place
    assert watchers.watcher_ids(ticket) == [ann.id]
    assert ">Stop watching</button>" in client.get(_ticket_url(workspace, ticket)).get_data(as_text=True)
    answer = post(client, _ticket_url(workspace, ticket, "/watch"), {"watch": "0"})  # without JS: back to the page
    assert answer.status_code == 302 and answer.headers["Location"].endswith(_ticket_url(workspace, ticket))
    assert watchers.watcher_ids(ticket) == []
    assert "You no longer watch ticket" in client.get(_ticket_url(workspace, ticket)).get_data(as_text=True)


def test_another_workspaces_ticket_and_a_post_without_csrf_are_refused(app, client, desk):
    workspace, _, ann, _, ticket = desk
    other = make_workspace(name="Globex")
    for _ in range(2):
        make_ticket(other, make_customer(other))
    other_ticket = make_ticket(other, make_customer(other), subject="Theirs")  # #3: Acme has only #1
    sign_in(client, ann)
    assert post(client, f"/w/{workspace.slug}/tickets/{other_ticket.number}/watch", {"watch": "1"}).status_code == 404
    assert post(client, _ticket_url(other, other_ticket, "/watch"), {"watch": "1"}).status_code == 404
    refused = client.post(_ticket_url(workspace, ticket, "/watch"), data={"watch": "1"})
    assert refused.status_code == 400
    assert not TicketWatcher.select().exists()
