"""The inbox's rows (helpdesk/tickets/rows.py) as an agent reads them: every value shown, hostile text inert."""
from datetime import timedelta
from html.parser import HTMLParser

from helpdesk.core import i18n
from helpdesk.core.clock import utcnow
from helpdesk.tickets import services as tickets
from helpdesk.tickets.snooze import snooze, wake_due_tickets
from tests.conftest import sign_in
from tests.core.test_i18n import French
from tests.factories import add_member, make_customer, make_ticket, make_user, make_workspace

HOSTILE = '<script>alert("x")</script> & \'quotes\''


class Rows(HTMLParser):
    """Each `<tr data-ticket-row>` as {cell class: its text}, with the row's attributes, links and inputs."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_tag = [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-ticket-row" in attrs:
            self.rows.append({"tr": attrs, "elements": [], "tags": []})
        elif self.rows and tag == "td":
            self.cell = attrs.get("class")
            self.rows[-1][self.cell] = ""
            self.rows[-1][f"{self.cell} label"] = attrs.get("data-label")
        elif self.rows and self.cell:
            self.rows[-1]["elements"].append((tag, attrs))
            if tag == "span" and attrs.get("class") == "tag":
                self.in_tag = True
                self.rows[-1]["tags"].append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "span":
            self.in_tag = False

    def handle_data(self, data):
        if self.rows and self.cell:
            self.rows[-1][self.cell] += data
        if self.in_tag:
            self.rows[-1]["tags"][-1] += data


def rows_of(html):
    parser = Rows()
    parser.feed(html)
    return parser.rows


def test_every_value_of_a_row_is_shown_and_hostile_text_stays_text(client, app_context):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    agent = add_member(workspace, make_user(name=f"Ann {HOSTILE}")).user
    now = utcnow()
    make_ticket(workspace, make_customer(workspace, email="nameless@client.example", name=""),
                subject="Plain question", now=now - timedelta(days=30))
    hostile = make_ticket(workspace, make_customer(workspace, name=f"Carla {HOSTILE}"), subject=f"Subject {HOSTILE}",
                          body=f"Preview {HOSTILE}", now=now - timedelta(hours=3))
    tickets.assign(hostile, owner, agent.id, now=now - timedelta(hours=3))
    tickets.set_tags(hostile, owner, ["vip", 'odd"tag'], now=now - timedelta(hours=3))
    tickets.change_priority(hostile, owner, "urgent", now=now - timedelta(hours=3))
    sign_in(client, owner)

    html = client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True)
    assert "<script>" not in html
    newest, oldest = rows_of(html)
    assert newest["what"].split("\n") == [f"#2 Subject {HOSTILE}", '#odd"tag#vip', "", f"Preview {HOSTILE}"]
    assert newest["tags"] == ['#odd"tag', "#vip"]
    assert newest["who"] == f"Carla {HOSTILE}" and newest["owner"] == f"Ann {HOSTILE}"
    assert newest["state"].split() == ["Open", "Urgent"] and newest["when"] == "3 h ago"
    assert newest["tr"]["class"] == "priority-urgent"
    assert ("a", {"class": "subject", "href": f"/w/{workspace.slug}/tickets/2"}) in newest["elements"]
    checkbox = ("input", {"type": "checkbox", "name": "ticket_ids", "value": str(hostile.id),
                          "id": f"select-{hostile.id}"})
    assert checkbox in newest["elements"]
    assert [newest[f"{cell} label"] for cell in ("what", "who", "state", "owner", "when")] == [
        "Ticket", "Customer", "Status", "Assignee", "Updated"]  # the phone's card labels
    assert "Select ticket #2" in newest["pick"]
    exact = ("time", {"datetime": (now - timedelta(hours=3)).isoformat() + "Z",
                      "title": (now - timedelta(hours=3)).strftime("%-d %b %Y, %H:%M UTC")})
    assert exact in newest["elements"]
    # No name: the email; nobody assigned: a dash; older than a week: the day; a normal priority: no badge.
    assert oldest["who"] == "nameless@client.example" and oldest["owner"] == "—"
    assert oldest["when"] == (now - timedelta(days=30)).strftime("%-d %b") and oldest["state"] == "Open"


def test_snoozed_and_woken_tickets_say_so(client, app_context):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    now = utcnow()
    sleeping, waking = make_ticket(workspace, subject="Sleeping"), make_ticket(workspace, subject="Waking")
    snooze(sleeping, owner, now + timedelta(days=2), now=now)
    snooze(waking, owner, now + timedelta(minutes=5), now=now)
    wake_due_tickets(now + timedelta(minutes=6))
    sign_in(client, owner)
    woken, = rows_of(client.get(f"/w/{workspace.slug}/tickets/?view=open").get_data(as_text=True))
    assert woken["what"].split() == ["#2", "Waking", "Back", "from", "snooze", "Hello,", "I", "need", "help."]
    snoozed, = rows_of(client.get(f"/w/{workspace.slug}/tickets/?view=snoozed").get_data(as_text=True))
    assert snoozed["what"].split()[:3] == ["#1", "Sleeping", "Snoozed"]


class RowsInFrench(French):
    WORDS = {**French.WORDS, "Customer": "Client", "Open": "Ouvert", "Select ticket": "Choisir le ticket"}


def test_the_rows_speak_the_agents_language(client, monkeypatch):
    workspace = make_workspace(name="Acme")
    make_ticket(workspace, subject="Hello")
    sign_in(client, workspace.membership_set.get().user)
    monkeypatch.setattr(i18n, "translations", RowsInFrench)  # the catalog of a French-speaking agent
    row, = rows_of(client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True))
    assert row["who label"] == "Client" and row["state"] == "Ouvert" and "Choisir le ticket #1" in row["pick"]
