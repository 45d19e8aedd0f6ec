"""Snooze: hidden until a time, back when the time comes (the periodic job) or when the customer writes."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.jobs import PERIODIC_JOBS
from helpdesk.tickets import services as tickets
from helpdesk.tickets import snooze
from helpdesk.tickets.inbox import inbox_page, view_counts
from helpdesk.tickets.models import Status, Ticket, TicketEvent
from tests.conftest import post, sign_in
from tests.factories import make_customer, make_ticket, make_workspace, owner_of

NOW = datetime(2026, 12, 2, 15, 30)  # a Wednesday, UTC


@pytest.fixture
def desk(app_context):
    workspace = make_workspace(name="Acme")
    return workspace, owner_of(workspace).user


def numbers(page):
    return [t.number for t in page.tickets]


def reload(ticket):
    return Ticket.get_by_id(ticket.id)


def test_presets_are_mornings_in_the_persons_time_zone():
    berlin = snooze.presets(NOW, ZoneInfo("Europe/Berlin"))
    assert berlin["tomorrow"] == datetime(2026, 12, 3, 7, 0)  # 08:00 in Berlin (UTC+1)
    assert berlin["next_week"] == datetime(2026, 12, 7, 7, 0)  # next Monday
    tokyo = snooze.presets(datetime(2026, 12, 2, 23, 30), ZoneInfo("Asia/Tokyo"))  # already Thursday there
    assert tokyo["tomorrow"] == datetime(2026, 12, 3, 23, 0)  # Friday 08:00 in Tokyo


def test_a_snoozed_ticket_leaves_the_inbox_and_comes_back_when_its_time_comes(desk):
    workspace, owner = desk
    ticket = make_ticket(workspace, now=NOW - timedelta(hours=1))
    snooze.snooze(ticket, owner, NOW + timedelta(hours=2), now=NOW)
    assert numbers(inbox_page(workspace, owner.id, view="open")) == []
    assert numbers(inbox_page(workspace, owner.id, view="snoozed")) == [ticket.number]
    assert view_counts(workspace, owner.id)["snoozed"] == 1 and view_counts(workspace, owner.id)["open"] == 0

    assert snooze.wake_due_tickets(NOW + timedelta(hours=1)) == 0  # not yet
    assert snooze.wake_due_tickets(NOW + timedelta(hours=2)) == 1
    assert snooze.wake_due_tickets(NOW + timedelta(hours=3)) == 0  # a second run: nothing twice

    woken = reload(ticket)
    assert woken.snoozed_until is None and woken.back_from_snooze
    assert numbers(inbox_page(workspace, owner.id, view="open")) == [ticket.number]
    ends = TicketEvent.select().where(TicketEvent.ticket == ticket, TicketEvent.kind == "snooze ended")
    assert [e.details["reason"] for e in ends] == ["time"]
    tickets.add_note(woken, owner, "Looked at it.", now=NOW + timedelta(hours=4))
    assert not reload(ticket).back_from_snooze  # the notice lasts until someone acts


def test_a_customer_message_ends_the_snooze(desk):
    workspace, owner = desk
    ticket = make_ticket(workspace, now=NOW)
    tickets.change_status(ticket, owner, Status.PENDING, now=NOW)
    snooze.snooze(ticket, owner, NOW + timedelta(days=7), now=NOW)
    tickets.add_customer_message(reload(ticket), "Any news?", now=NOW + timedelta(hours=1))
    woken = reload(ticket)
    assert woken.snoozed_until is None and woken.status == Status.OPEN and woken.back_from_snooze
    assert snooze.wake_due_tickets(NOW + timedelta(days=8)) == 0  # the job does not wake it again


def test_snooze_refuses_the_past_and_closed_tickets(desk):
    workspace, owner = desk
    ticket = make_ticket(workspace, now=NOW)
    with pytest.raises(tickets.TicketError, match="future"):
        snooze.snooze(ticket, owner, NOW - timedelta(minutes=1), now=NOW)
    tickets.change_status(ticket, owner, Status.CLOSED, now=NOW)
    with pytest.raises(tickets.TicketError, match="open or pending"):
        snooze.snooze(ticket, owner, NOW + timedelta(hours=1), now=NOW)


def test_closing_a_snoozed_ticket_ends_its_snooze(desk):
    workspace, owner = desk
    ticket = make_ticket(workspace, now=NOW)
    snooze.snooze(ticket, owner, NOW + timedelta(hours=1), now=NOW)
    tickets.change_status(reload(ticket), owner, Status.CLOSED, now=NOW)
    assert reload(ticket).snoozed_until is None
    assert snooze.wake_due_tickets(NOW + timedelta(hours=2)) == 0


def test_the_wake_up_job_is_periodic():
    assert ("helpdesk.tickets.jobs.wake_snoozed_tickets", 60) in PERIODIC_JOBS


def test_the_wake_up_takes_every_workspace_and_more_than_one_batch(desk, monkeypatch):
    workspace, owner = desk
    other = make_workspace(name="Other")
    monkeypatch.setattr(snooze, "WAKE_BATCH", 2)
    made = [make_ticket(workspace, now=NOW) for _ in range(3)] + [make_ticket(other, now=NOW)]
    for ticket in made:
        snooze.snooze(ticket, owner, NOW + timedelta(minutes=5), now=NOW)
    assert snooze.wake_due_tickets(NOW + timedelta(minutes=5)) == 4


def test_snooze_and_unsnooze_from_the_ticket_page(client, desk):
    workspace, owner = desk
    ticket = make_ticket(workspace, customer=make_customer(workspace), subject="Waiting for the part")
    sign_in(client, owner)
    response = post(client, f"/w/{workspace.slug}/tickets/{ticket.number}/snooze", {"preset": "tomorrow"})
    assert response.status_code == 302
    assert reload(ticket).snoozed_until is not None
    assert "Waiting for the part" not in client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)
    snoozed = client.get(f"/w/{workspace.slug}/tickets/?view=snoozed").get_data(as_text=True)
    assert "Waiting for the part" in snoozed and "Snoozed" in snoozed
    page = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}").get_data(as_text=True)
    assert "Snoozed until" in page

    post(client, f"/w/{workspace.slug}/tickets/{ticket.number}/unsnooze")
    assert reload(ticket).snoozed_until is None
    assert "Back from snooze" in client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)


def test_a_chosen_time_is_read_in_the_persons_time_zone_and_a_past_one_refused(client, desk, app):
    workspace, owner = desk
    ticket = make_ticket(workspace)
    sign_in(client, owner)
    url = f"/w/{workspace.slug}/tickets/{ticket.number}/snooze"
    response = post(client, url, {"preset": "custom", "until": "2020-01-01T09:00"}, follow_redirects=True)
    assert "Choose a time in the future." in response.get_data(as_text=True)
    assert reload(ticket).snoozed_until is None
    day = (utcnow() + timedelta(days=30)).date()
    post(client, url, {"preset": "custom", "until": f"{day.isoformat()}T09:00"})
    zone = ZoneInfo(app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    expected = datetime.combine(day, time(9, 0), tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    assert reload(ticket).snoozed_until == expected


def test_another_workspaces_ticket_cannot_be_snoozed(client, desk):
    workspace, owner = desk
    other = make_workspace(name="Other")
    foreign = make_ticket(other)
    sign_in(client, owner)
    assert post(client, f"/w/{workspace.slug}/tickets/{foreign.number + 100}/snooze", {"preset": "tomorrow"}
                ).status_code == 404
    assert post(client, f"/w/{other.slug}/tickets/{foreign.number}/snooze", {"preset": "tomorrow"}
                ).status_code in (302, 403, 404)
    assert reload(foreign).snoozed_until is None
    assert client.post(f"/w/{workspace.slug}/tickets/1/snooze", data={"preset": "tomorrow"}).status_code == 400
