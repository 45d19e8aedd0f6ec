"""Merging two tickets of one customer and splitting a message off: services, pages, other workspaces."""
from datetime import datetime, timedelta

import pytest

from helpdesk.core.audit import AuditEntry
from helpdesk.tickets import merging, search
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment, Message, Status, Ticket, TicketEvent, TicketTag
from helpdesk.tickets.services import TicketError
from helpdesk.tickets.views import Upload
from tests.conftest import post, sign_in
from tests.factories import make_customer, make_ticket, make_workspace, owner_of

T0 = datetime(2026, 12, 2, 9, 0)


@pytest.fixture
def two_tickets(app_context):
    """Workspace Acme, its owner, and two tickets of Carla: a printer jam and a follow-up with a file and tags."""
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    carla = make_customer(workspace, email="carla@client.example", name="Carla")
    kept = make_ticket(workspace, carla, subject="Printer jam", body="It jams on page 2.", now=T0)
    merged = make_ticket(workspace, carla, subject="Still jamming", body="Zebra-striped pages now.",
                         now=T0 + timedelta(hours=1), attachments=[Upload("photo.txt", "text/plain", b"jam")])
    tickets.set_tags(kept, owner, ["printer"], now=T0)
    tickets.set_tags(merged, owner, ["printer", "urgent-ish"], now=T0)
    tickets.add_note(merged, owner, "Asked for a photo.", now=T0 + timedelta(hours=2))
    return workspace, owner, kept, merged


def _reload(ticket):
    return Ticket.get_by_id(ticket.id)


def test_merge_moves_messages_events_tags_and_search_words_and_closes_the_merged_one(two_tickets):
    workspace, owner, kept, merged = two_tickets
    merging.merge_tickets(workspace, owner, merged, kept, now=T0 + timedelta(hours=3))
    kept, merged = _reload(kept), _reload(merged)
    bodies = [m.body_text for m in Message.select().where(Message.ticket == kept).order_by(Message.id)]
    assert bodies == ["It jams on page 2.", "Zebra-striped pages now.", "Asked for a photo."]
    assert Attachment.select().join(Message).where(Message.ticket == kept).count() == 1
    assert kept.message_count == 2 and kept.preview == "Zebra-striped pages now."
    assert kept.last_customer_activity_at == T0 + timedelta(hours=1)
    assert sorted(t.tag.name for t in TicketTag.select().where(TicketTag.ticket == kept)) == ["printer", "urgent-ish"]
    assert not TicketTag.select().where(TicketTag.ticket == merged).exists()
    kinds = [e.kind for e in TicketEvent.select().where(TicketEvent.ticket == kept)]
    assert kinds.count("created") == 2 and kinds[-1] == "merged"
    assert (merged.status, merged.merged_into_id, merged.message_count) == (Status.CLOSED, kept.id, 0)
    assert [e.kind for e in TicketEvent.select().where(TicketEvent.ticket == merged)] == ["merged_into"]
    assert search.search_ticket_ids(workspace.id, "zebra") == [kept.id]
    assert search.search_ticket_ids(workspace.id, "still jamming") == [kept.id]  # the merged subject
    assert AuditEntry.get(AuditEntry.action == "tickets_merged").detail_dict["into"] == kept.number


def test_merge_refuses_another_customers_ticket_itself_and_a_merged_one(two_tickets):
    workspace, owner, kept, merged = two_tickets
    stranger = make_ticket(workspace, make_customer(workspace), subject="Other person")
    with pytest.raises(TicketError, match="same customer"):
        merging.merge_tickets(workspace, owner, merged, stranger, now=T0)
    with pytest.raises(TicketError, match="another ticket"):
        merging.merge_tickets(workspace, owner, merged, merged, now=T0)
    stale_kept, stale_merged = _reload(kept), _reload(merged)  # another agent's pages, loaded before the merge
    merging.merge_tickets(workspace, owner, merged, kept, now=T0)
    with pytest.raises(TicketError, match="already merged"):
        merging.merge_tickets(workspace, owner, _reload(kept), _reload(merged), now=T0)
    # The other way round from the stale pages: the rows are read again under lock.
    with pytest.raises(TicketError, match="already merged"):
        merging.merge_tickets(workspace, owner, stale_kept, stale_merged, now=T0)
    assert _reload(kept).merged_into_id is None


def test_split_moves_one_customer_message_and_its_files_into_a_new_ticket(two_tickets):
    workspace, owner, kept, merged = two_tickets
    merging.merge_tickets(workspace, owner, merged, kept, now=T0)
    kept = _reload(kept)
    zebra = Message.get(Message.body_text == "Zebra-striped pages now.")
    new = merging.split_message(workspace, owner, kept, zebra, "  Zebra   stripes ", now=T0 + timedelta(hours=4))
    assert (new.subject, new.customer_id, new.message_count) == ("Zebra stripes", kept.customer_id, 1)
    assert Message.get_by_id(zebra.id).ticket_id == new.id
    assert Attachment.select().join(Message).where(Message.ticket == new).count() == 1
    kept = _reload(kept)
    assert kept.message_count == 1 and kept.preview == "It jams on page 2."
    assert [e.kind for e in TicketEvent.select().where(TicketEvent.ticket == new)] == ["split_from"]
    assert search.search_ticket_ids(workspace.id, "stripes") == [new.id]
    assert search.search_ticket_ids(workspace.id, "zebra") == [new.id]  # no longer found on the old ticket
    assert search.search_ticket_ids(workspace.id, "jams") == [kept.id]
    only = Message.get(Message.body_text == "It jams on page 2.")
    with pytest.raises(TicketError, match="only message"):
        merging.split_message(workspace, owner, kept, only, "x", now=T0)
    note = Message.get(Message.kind == Message.NOTE)
    with pytest.raises(TicketError, match="customer's message"):
        merging.split_message(workspace, owner, kept, note, "x", now=T0)


def test_merge_page_asks_then_merges_and_the_merged_address_leads_to_the_other(app, client):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        owner = owner_of(workspace).user
        carla = make_customer(workspace, email="carla@client.example")
        kept = make_ticket(workspace, carla, subject="Printer jam")
        merged = make_ticket(workspace, carla, subject="Still jamming")
    sign_in(client, owner)
    base = f"/w/{workspace.slug}/tickets"
    assert "Merge into another ticket…" in client.get(f"{base}/{merged.number}").get_data(as_text=True)
    choose = client.get(f"{base}/{merged.number}/merge").get_data(as_text=True)
    assert f"#{kept.number} Printer jam" in choose
    review = post(client, f"{base}/{merged.number}/merge", {"into": kept.number})
    assert review.status_code == 200 and "This cannot be undone." in review.get_data(as_text=True)
    assert _reload(merged).merged_into_id is None  # asking changed nothing
    done = post(client, f"{base}/{merged.number}/merge", {"into": kept.number, "confirm": "yes"})
    assert done.location.endswith(f"{base}/{kept.number}")
    assert client.get(f"{base}/{merged.number}").location.endswith(f"{base}/{kept.number}")
    page = client.get(f"{base}/{kept.number}").get_data(as_text=True)
    assert f"merged #{merged.number} (Still jamming) into this ticket" in page


def test_split_page_asks_for_a_subject_then_opens_the_new_ticket(app, client):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        owner = owner_of(workspace).user
        ticket = make_ticket(workspace, subject="Printer jam", body="It jams.")
        second = tickets.add_customer_message(ticket, "Also: my invoice is wrong.", now=T0)
    sign_in(client, owner)
    address = f"/w/{workspace.slug}/tickets/{ticket.number}/messages/{second.id}/split"
    assert "Split off…" in client.get(f"/w/{workspace.slug}/tickets/{ticket.number}").get_data(as_text=True)
    assert 'value="Printer jam"' in client.get(address).get_data(as_text=True)
    empty = post(client, address, {"subject": ""})
    assert empty.status_code == 422 and Message.get_by_id(second.id).ticket_id == ticket.id
    done = post(client, address, {"subject": "Invoice wrong"})
    new = Ticket.get(Ticket.subject == "Invoice wrong")
    assert done.location.endswith(f"/tickets/{new.number}") and Message.get_by_id(second.id).ticket_id == new.id


def test_another_workspaces_tickets_and_messages_are_not_found(app, client):
    with app.app_context():
        mine = make_workspace(name="Mine")
        theirs = make_workspace(name="Theirs")
        carla = make_customer(mine, email="carla@client.example")
        my_ticket = make_ticket(mine, carla, subject="Mine")
        make_ticket(mine, carla, subject="Mine too")
        their_ticket = make_ticket(theirs, subject="Theirs", body="Secret")
        their_second = tickets.add_customer_message(their_ticket, "More secret", now=T0)
    sign_in(client, owner_of(mine).user)
    base = f"/w/{mine.slug}/tickets"
    # Their ticket's number exists in my workspace too (#1): use a number only they have, and their message id.
    assert client.get(f"{base}/{my_ticket.number}/messages/{their_second.id}/split").status_code == 404
    assert post(client, f"{base}/{my_ticket.number}/messages/{their_second.id}/split",
                {"subject": "x"}).status_code == 404
    assert client.get(f"/w/{theirs.slug}/tickets/{their_ticket.number}/merge").status_code == 404
    refused = post(client, f"{base}/{my_ticket.number}/merge", {"into": 999, "confirm": "yes"})
    assert refused.status_code == 422 and _reload(my_ticket).merged_into_id is None
    assert Message.get_by_id(their_second.id).ticket_id == their_ticket.id


def test_mail_quoting_the_merged_tickets_number_lands_on_the_ticket_it_went_into(two_tickets):
    from tests.factories import customer_mail
    from tests.mail.test_ingest import ingest_raw

    workspace, owner, kept, merged = two_tickets
    merging.merge_tickets(workspace, owner, merged, kept, now=T0)
    ingest_raw(workspace, bytes(customer_mail(subject=f"Re: Still jamming [#{merged.number}]",
                                              sender="Carla <carla@client.example>", body="Any news?")))
    assert Message.get(Message.body_text.startswith("Any news?")).ticket_id == kept.id
    assert Ticket.of(workspace).count() == 2
