"""The inbox and ticket pages as an agent uses them (Flask test client)."""
import io
import re
from datetime import timedelta

import pytest

from helpdesk.core import storage
from helpdesk.core.clock import utcnow
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment, CannedReply, Message, Status, Ticket, TicketViewer
from helpdesk.workspaces.models import Workspace
from tests.conftest import csrf_token, drain_jobs, post, sent_mail, sign_in
from tests.factories import add_member, make_customer, make_ticket, make_workspace


@pytest.fixture
def desk(client):
    """A signed-in owner of workspace 'Acme' with two tickets."""
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    customer = make_customer(workspace, email="carla@client.example", name="Carla Client")
    first = make_ticket(workspace, customer, subject="Printer jam", body="The printer jams on page 2.")
    second = make_ticket(workspace, subject="Invoice question", body="Where is my invoice?")
    sign_in(client, owner)
    return workspace, owner, first, second


def url(workspace, path=""):
    return f"/w/{workspace.slug}/tickets/{path}"


def test_workspace_home_is_the_inbox(client, desk):
    workspace = desk[0]
    response = client.get(f"/w/{workspace.slug}/")
    assert response.location.endswith(url(workspace))


def test_inbox_lists_tickets_with_counts(client, desk):
    workspace, _, first, second = desk
    page = client.get(url(workspace)).get_data(as_text=True)
    assert "#1 Printer jam" in page and "#2 Invoice question" in page
    assert page.index("#2 Invoice question") < page.index("#1 Printer jam")  # newest first
    assert "Carla Client" in page
    assert 'All open <span class="count">2</span>' in page


def test_inbox_empty_view_says_so(client, desk):
    page = client.get(url(desk[0], "?view=pending")).get_data(as_text=True)
    assert "No ticket in this view right now." in page


def test_unknown_view_is_404(client, desk):
    assert client.get(url(desk[0], "?view=bogus")).status_code == 404


def test_search_from_the_inbox(client, desk):
    page = client.get(url(desk[0], "?q=jams")).get_data(as_text=True)
    assert "#1 Printer jam" in page and "Invoice question" not in page
    empty = client.get(url(desk[0], "?q=zzzz")).get_data(as_text=True)
    assert "No ticket matches “zzzz”" in empty


def test_inbox_partial_for_htmx(client, desk):
    partial = client.get(url(desk[0]), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.lstrip().startswith('<div id="ticket-list">')


def test_keyset_pagination_links(client, desk):
    workspace = desk[0]
    for _ in range(30):
        make_ticket(workspace)
    page = client.get(url(workspace)).get_data(as_text=True)
    next_url = re.search(r'href="([^"]*after=[^"]*)">Next page →', page).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert "← First page" in second and "#1 Printer jam" in second


def test_new_tickets_poll(client, desk):
    workspace, _, _, second = desk
    assert "new ticket" not in client.get(url(workspace, f"poll?newest={second.id}")).get_data(as_text=True)
    make_ticket(workspace)
    assert "1 new ticket." in client.get(url(workspace, f"poll?newest={second.id}")).get_data(as_text=True)


def test_new_tickets_notice_counts_only_tickets_new_to_the_view(client, desk):
    workspace, owner, first, second = desk
    tickets.change_status(first, owner, Status.SOLVED, now=utcnow())
    page = client.get(url(workspace, "?view=solved&sort=oldest")).get_data(as_text=True)
    poll_url = re.search(r'id="new-tickets" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    for _ in range(3):
        make_ticket(workspace)  # new tickets are open: no news for the Solved view
    assert "new ticket" not in client.get(poll_url).get_data(as_text=True)
    open_page = client.get(url(workspace, "?view=open&sort=oldest")).get_data(as_text=True)
    open_poll = re.search(r'id="new-tickets" hx-get="([^"]+)"', open_page).group(1).replace("&amp;", "&")
    make_ticket(workspace)
    assert "1 new ticket." in client.get(open_poll).get_data(as_text=True)  # not 4: three were there already


def test_only_a_plain_view_or_tag_polls_for_new_tickets(client, desk):
    workspace, owner, first, second = desk
    tickets.set_tags(first, owner, ["vip"], now=utcnow())
    newest = f'hx-get="/w/{workspace.slug}/tickets/poll?newest={second.id}'
    assert newest in client.get(url(workspace, "?view=open")).get_data(as_text=True)
    assert 'id="new-tickets"' in client.get(url(workspace, "?tag=vip")).get_data(as_text=True)
    for listing in ("?q=printer", "?view=all&priority=urgent", "?view=open&tag=vip&status=open"):
        assert 'id="new-tickets"' not in client.get(url(workspace, listing)).get_data(as_text=True), listing


def test_create_a_ticket_by_hand(client, desk):
    workspace = desk[0]
    response = post(client, url(workspace, "new"), {"customer_phone": "+33 6 12 34 56 78", "customer_name": "Paul",
                                                  "subject": "Called about delivery", "body": "Parcel late"})
    ticket = Ticket.get(Ticket.subject == "Called about delivery")
    assert response.location.endswith(url(workspace, str(ticket.number)))
    assert ticket.customer.phone == "+33 6 12 34 56 78" and ticket.channel == "manual"


def test_new_ticket_needs_email_or_phone(client, desk):
    response = post(client, url(desk[0], "new"), {"subject": "x", "body": "y"})
    assert response.status_code == 422 and "at least an email address or a phone number" in response.get_data(True)


def test_ticket_page_shows_conversation_sidebar_and_history(client, desk):
    workspace, owner, first, _ = desk
    other = make_ticket(workspace, first.customer, subject="Older question")
    tickets.add_note(first, owner, "Checked the logs", now=utcnow())
    tickets.assign(first, owner, owner.id, now=utcnow())
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert "<h1>#1 Printer jam</h1>" in page
    assert "The printer jams on page 2." in page and "Checked the logs" in page
    assert "internal note" in page
    assert f"assigned this to {owner.name}" in page
    assert f"#{other.number} Older question" in page  # the customer's other tickets
    assert 'hx-disable' in page  # user content never drives htmx


def test_reply_is_emailed_to_the_customer_with_threading(app, client, desk, connect_mailbox, smtp_server):
    workspace, owner, first, _ = desk
    mailbox = connect_mailbox(workspace)
    Workspace.update(undo_send_seconds=0).where(Workspace.id == workspace.id).execute()  # sent at once
    response = post(client, url(workspace, f"{first.number}/reply"),
                    {"body": "Try turning it off and on.", "status_after": "pending"})
    assert response.status_code == 302
    with app.app_context():
        drain_jobs()
    (received,) = smtp_server.messages
    email = received.message
    assert received.rcpt_tos == ["carla@client.example"] and received.mail_from == mailbox.address
    assert email["To"] == "Carla Client <carla@client.example>" and email["Subject"] == "Re: Printer jam [#1]"
    assert "Try turning it off and on." in email.get_body(("plain",)).get_content()
    message = Message.get(Message.kind == Message.REPLY)
    assert message.delivery_status == Message.SENT and email["Message-ID"] == message.email_message_id
    assert Ticket.get_by_id(first.id).status == Status.PENDING


def test_empty_reply_keeps_the_page_and_explains(client, desk, connect_mailbox):
    workspace, _, first, _ = desk
    connect_mailbox(workspace)
    response = post(client, url(workspace, f"{first.number}/reply"), {"body": ""})
    assert response.status_code == 422 and "Write a reply first." in response.get_data(as_text=True)


def test_note_is_not_emailed(app, client, desk):
    workspace, _, first, _ = desk
    post(client, url(workspace, f"{first.number}/note"), {"body": "Customer is a VIP"})
    assert Message.get(Message.kind == Message.NOTE).body_text == "Customer is a VIP"
    assert sent_mail(app) == []


def test_properties_change_in_place_with_htmx(client, desk):
    workspace, owner, first, _ = desk
    colleague = add_member(workspace).user
    response = client.post(url(workspace, f"{first.number}/properties"), headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_token(client), "status": "pending", "priority": "urgent",
        "assignee": str(colleague.id), "tags": "Billing, VIP"})
    partial = response.get_data(as_text=True)
    assert partial.lstrip().startswith('<aside class="ticket-sidebar" id="ticket-sidebar">')
    assert "Saved." in partial and f"assigned this to {colleague.name}" in partial
    ticket = Ticket.get_by_id(first.id)
    assert (ticket.status, ticket.priority, ticket.assignee_id) == ("pending", "urgent", colleague.id)
    assert tickets.tags_of([ticket.id])[ticket.id] == ["billing", "vip"]


def test_attachments_upload_and_download_safely(client, desk):
    workspace, _, first, _ = desk
    post(client, url(workspace, f"{first.number}/note"), {
        "body": "See the log", "files": (io.BytesIO(b"<script>alert(1)</script>"), "log.html")},
        content_type="multipart/form-data")
    attachment = Attachment.get()
    response = client.get(url(workspace, f"{first.number}/attachments/{attachment.id}"))
    assert response.data == b"<script>alert(1)</script>"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_the_ticket_page_shows_each_message_once_with_its_own_attachments_and_the_tags(client, desk):
    workspace, owner, first, _ = desk
    files = [(io.BytesIO(b"one"), "first.txt"), (io.BytesIO(b"two"), "second.txt")]
    post(client, url(workspace, f"{first.number}/note"), {"body": "Two logs", "files": files},
         content_type="multipart/form-data")
    post(client, url(workspace, f"{first.number}/note"), {"body": "No file here"})
    tickets.set_tags(first, owner, ["vip", "billing"], now=utcnow())
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert page.count("Two logs") == 1 and page.count("No file here") == 1
    with_files = page[page.index("Two logs"):page.index("No file here")]
    assert "first.txt" in with_files and "second.txt" in with_files
    assert page.count("first.txt") == 1
    assert 'value="billing, vip"' in page


def test_upload_over_the_size_limit_is_refused(app, client, desk, monkeypatch):
    workspace, _, first, _ = desk
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = post(client, url(workspace, f"{first.number}/note"), {
        "body": "big", "files": (io.BytesIO(b"x" * 4096), "big.bin")}, content_type="multipart/form-data")
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)
    assert not Message.select().where(Message.kind == Message.NOTE).exists()


def test_bulk_assign_and_close(client, desk):
    workspace, owner, first, second = desk
    post(client, url(workspace, "bulk"), {"ticket_ids": [first.id, second.id], "action": "assign",
                                          "assignee": str(owner.id)})
    assert {t.assignee_id for t in Ticket.select()} == {owner.id}
    response = post(client, url(workspace, "bulk"), {"ticket_ids": [first.id], "action": "close"},
                    follow_redirects=True)
    assert "1 ticket closed." in response.get_data(as_text=True)
    assert Ticket.get_by_id(first.id).status == Status.CLOSED


def test_bulk_change_says_1_ticket_or_n_tickets(client, desk):
    workspace, owner, first, second = desk
    response = post(client, url(workspace, "bulk"), {"ticket_ids": [first.id], "action": "tag", "tag": "vip"},
                    follow_redirects=True)
    assert "1 ticket changed." in response.get_data(as_text=True)
    response = post(client, url(workspace, "bulk"), {"ticket_ids": [first.id, second.id], "action": "assign",
                                                     "assignee": str(owner.id)}, follow_redirects=True)
    assert "2 tickets changed." in response.get_data(as_text=True)


def test_close_selected_offers_an_undo_that_restores_previous_statuses_without_js(client, desk):
    workspace, owner, first, second = desk
    tickets.change_status(second, owner, Status.PENDING, now=utcnow())
    response = post(client, url(workspace, "bulk"), {"ticket_ids": [first.id, second.id], "action": "close"},
                    headers={"Referer": "http://localhost" + url(workspace, "?view=open")}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 tickets closed." in page and "No ticket in this view right now." in page
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*undo-close.*?</form>', page, re.S)
    event_ids = re.findall(r'name="event_ids" value="(\d+)"', form.group(0))
    assert len(event_ids) == 2 and re.search(r'<button type="submit"[^>]*>Undo</button>', form.group(0))
    assert "tickets closed." not in client.get(url(workspace)).get_data(as_text=True)  # offered once

    response = post(client, form.group(1), {"event_ids": event_ids}, follow_redirects=True)

    assert "2 tickets have their previous status again." in response.get_data(as_text=True)
    assert (Ticket.get_by_id(first.id).status, Ticket.get_by_id(second.id).status) == (Status.OPEN, Status.PENDING)


def test_undo_close_is_not_offered_in_another_workspace(client, desk):
    workspace, owner, first, _ = desk
    elsewhere = make_workspace(owner=owner)
    post(client, url(workspace, "bulk"), {"ticket_ids": [first.id], "action": "close"})
    assert "ticket closed." not in client.get(url(elsewhere)).get_data(as_text=True)


def test_closed_and_all_views_list_closed_tickets(client, desk):
    workspace, owner, first, second = desk
    tickets.change_status(first, owner, Status.CLOSED, now=utcnow())
    inbox = client.get(url(workspace)).get_data(as_text=True)
    assert 'Closed <span class="count">1</span>' in inbox and 'All <span class="count">2</span>' in inbox
    closed = client.get(url(workspace, "?view=closed"))
    assert closed.status_code == 200
    assert "#1 Printer jam" in closed.get_data(as_text=True) and "Invoice question" not in closed.get_data(True)
    everything = client.get(url(workspace, "?view=all")).get_data(as_text=True)
    assert "#1 Printer jam" in everything and "#2 Invoice question" in everything


def test_bulk_without_selection_is_explained(client, desk):
    response = post(client, url(desk[0], "bulk"), {"action": "close"}, follow_redirects=True)
    assert "Select at least one ticket first." in response.get_data(as_text=True)


def test_canned_reply_inserted_with_placeholders(client, desk):
    workspace, owner, first, _ = desk
    post(client, url(workspace, "canned/new"), {"title": "Thanks", "body": "Hi {{customer.name}}, about #{{ticket.number}}"})
    canned = CannedReply.get()
    page = client.get(url(workspace, f"{first.number}?canned={canned.id}")).get_data(as_text=True)
    assert "Hi Carla Client, about #1</textarea>" in page


def test_collision_notice_shows_who_else_is_here(app, client, desk):
    workspace, owner, first, _ = desk
    colleague = add_member(workspace).user
    other = app.test_client()
    sign_in(other, colleague)
    post(other, url(workspace, f"{first.number}/presence"), {"body": "Typing an answer"})
    notice = post(client, url(workspace, f"{first.number}/presence")).get_data(as_text=True)
    assert f"{colleague.name} is replying" in notice
    TicketViewer.update(seen_at=utcnow() - timedelta(minutes=5)).execute()
    assert colleague.name not in post(client, url(workspace, f"{first.number}/presence")).get_data(as_text=True)


def test_r13_read_only_workspace_refuses_every_write_and_changes_nothing(client, desk):
    workspace, owner, first, _ = desk
    Workspace.update(status=Workspace.LAPSED).where(Workspace.id == workspace.id).execute()
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert "you can read and export, but not reply or edit" in page
    for path, data in [(f"{first.number}/reply", {"body": "hello"}), (f"{first.number}/note", {"body": "n"}),
                       (f"{first.number}/properties", {"status": "solved", "priority": "low", "assignee": "",
                                                      "tags": ""}),
                       ("new", {"customer_phone": "1", "subject": "s", "body": "b"}),
                       ("bulk", {"ticket_ids": [first.id], "action": "close"}),
                       ("canned/new", {"title": "t", "body": "b"})]:
        response = post(client, url(workspace, path), data, follow_redirects=True)
        assert "read-only until a plan is paid" in response.get_data(as_text=True), path
    assert Message.select().count() == 2 and Ticket.select().count() == 2
    assert Ticket.get_by_id(first.id).status == Status.OPEN
    assert not CannedReply.select().exists()


def test_r13_expired_trial_is_read_only(client, desk):
    workspace, _, first, _ = desk
    Workspace.update(trial_ends_at=utcnow() - timedelta(minutes=1)).where(Workspace.id == workspace.id).execute()
    response = post(client, url(workspace, f"{first.number}/note"), {"body": "late"}, follow_redirects=True)
    assert "read-only until a plan is paid" in response.get_data(as_text=True)


def test_ticket_of_another_workspace_is_404(client, desk):
    stranger_ticket = make_ticket(make_workspace())
    assert client.get(url(desk[0], str(stranger_ticket.number + 100))).status_code == 404


def test_attachment_name_loses_bidi_overrides_and_control_characters(client, desk):
    workspace, _, first, _ = desk
    post(client, url(workspace, f"{first.number}/note"), {
        "body": "See the file", "files": (io.BytesIO(b"MZ"), "invoice\u202egnp\u200b.exe\x07")},
        content_type="multipart/form-data")
    attachment = Attachment.get()
    assert attachment.filename == "invoicegnp.exe"
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert ">invoicegnp.exe</a>" in page and "\u202e" not in page
    response = client.get(url(workspace, f"{first.number}/attachments/{attachment.id}"))
    assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''invoicegnp.exe"


def test_attachment_stored_before_names_were_cleaned_is_shown_and_downloaded_clean(app, client, desk):
    workspace, owner, first, _ = desk
    note = tickets.add_note(first, owner, "Old upload", now=utcnow())
    with app.app_context():
        key = storage.save(workspace.id, "report.exe", b"MZ")
    old = Attachment.create(workspace=workspace, message=note, filename="report\u202efdp.exe", size=2,
                            content_type="application/pdf", storage_key=key)
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert ">reportfdp.exe</a>" in page
    response = client.get(url(workspace, f"{first.number}/attachments/{old.id}"))
    assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''reportfdp.exe"


def test_reply_without_a_mailbox_is_refused_keeps_the_text_and_links_to_adding_one(app, client, desk):
    workspace, _, first, _ = desk
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert "This workspace has no mailbox yet, so replies are not sent" in page
    assert f'href="/w/{workspace.slug}/mailboxes/new"' in page
    response = post(client, url(workspace, f"{first.number}/reply"), {"body": "Try turning it off and on."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Reply sent" not in page
    assert "the customer's answer would be lost" in page and "Try turning it off and on.</textarea>" in page
    assert not Message.select().where(Message.kind == Message.REPLY).exists() and sent_mail(app) == []


def test_agent_without_mailbox_rights_is_told_whom_to_ask(app, client, desk):
    workspace, _, first, _ = desk
    sign_in(client, add_member(workspace).user)
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert "Ask an owner or admin of the workspace to add a mailbox." in page and "/mailboxes/new" not in page


def test_reply_to_a_customer_without_email_is_refused_and_keeps_the_text(client, desk, connect_mailbox):
    workspace, _, _, _ = desk
    connect_mailbox(workspace)
    post(client, url(workspace, "new"), {"customer_phone": "+33 6 12 34 56 78", "customer_name": "Paul",
                                         "subject": "Called about delivery", "body": "Parcel late"})
    ticket = Ticket.get(Ticket.subject == "Called about delivery")
    response = post(client, url(workspace, f"{ticket.number}/reply"), {"body": "It left the depot today."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Reply sent" not in page
    assert "Paul has no email address, so a reply cannot reach them." in page
    assert f'href="/w/{workspace.slug}/customers/{ticket.customer_id}/edit"' in page
    assert "It left the depot today.</textarea>" in page
    assert not Message.select().where(Message.kind == Message.REPLY).exists()


def test_history_and_sidebar_show_values_in_words_not_as_stored(client, desk):
    workspace, owner, first, _ = desk
    emailed = make_ticket(workspace, first.customer, subject="By mail", channel="email")
    tickets.change_status(first, owner, Status.PENDING, now=utcnow())
    tickets.change_priority(first, owner, "urgent", now=utcnow())
    tickets.add_customer_message(first, "Still broken", now=utcnow())
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    assert "changed the status from Open to Pending" in page and "from Pending to Open (the customer replied)" in page
    assert "changed the priority from Normal to Urgent" in page
    assert f'#{emailed.number} By mail</a> <span class="badge status-open">Open</span>' in page
    assert "opened the ticket (Phone / manual)" in page
    assert "opened the ticket (Email)" in client.get(url(workspace, str(emailed.number))).get_data(as_text=True)


def test_searching_hash_number_opens_that_ticket(client, desk):
    workspace, _, first, second = desk
    response = client.get(url(workspace, f"?q=%23{second.number}"))
    assert response.status_code == 302 and response.location.endswith(url(workspace, str(second.number)))
    assert "No ticket matches “#99”" in client.get(url(workspace, "?q=%2399")).get_data(as_text=True)


def test_searching_a_number_lists_that_ticket_first(client, desk):
    workspace, _, first, second = desk
    make_ticket(workspace, subject="Order 2 never came")
    page = client.get(url(workspace, f"?q={second.number}")).get_data(as_text=True)
    assert page.index("#2 Invoice question") < page.index("#3 Order 2 never came")


def test_in_place_change_tells_the_timeline_to_reload(client, desk):
    workspace, _, first, _ = desk
    page = client.get(url(workspace, str(first.number))).get_data(as_text=True)
    timeline = re.search(r'<div id="timeline"[^>]*>', page).group(0)
    assert 'hx-trigger="ticket-changed from:body"' in timeline and 'hx-select="#timeline"' in timeline
    assert f'hx-get="{url(workspace, str(first.number))}"' in timeline
    response = client.post(url(workspace, f"{first.number}/properties"), headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_token(client), "status": "pending", "priority": "normal", "assignee": "", "tags": ""})
    assert response.headers["HX-Trigger"] == "ticket-changed"
