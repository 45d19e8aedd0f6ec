"""The inbox's sidebar, filter and bulk fields, kept per worker (tickets/inbox_parts.py, core/fragments.py):
what an agent sees changes as soon as what it shows changes, in the agent's language and workspace."""
import re
from types import SimpleNamespace

from helpdesk.core import fragments, i18n
from helpdesk.core.clock import utcnow
from helpdesk.tickets import saved_views
from helpdesk.tickets import services as tickets
from helpdesk.tickets.filters import Filters
from tests.conftest import sign_in
from tests.core.test_i18n import French
from tests.factories import add_dovecot_mailbox, add_member, make_ticket, make_user, make_workspace, owner_of


def sidebar_links(html):
    """(text, href, current) of each link in the views' sidebar, its spaces squeezed."""
    nav = html[html.index('<nav class="views"'):html.index("</nav>", html.index('<nav class="views"'))]
    return [(" ".join(re.sub(r"<[^>]+>", " ", text).split()), href, "aria-current" in attrs)
            for href, attrs, text in re.findall(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', nav, re.S)]


def options(html, select_id):
    """The option texts of the select `select_id`."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_sidebar_and_forms_follow_every_change_between_two_clicks(client, app_context):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    first = make_ticket(workspace, subject="First")
    sign_in(client, owner)
    inbox = f"/w/{workspace.slug}/tickets/"
    page = client.get(inbox).get_data(as_text=True)
    assert ("All open 1", f"{inbox}?view=open", True) in sidebar_links(page)
    assert options(page, "assignee") == ["Nobody", owner.name]

    make_ticket(workspace, subject="Second")
    tickets.set_tags(first, owner, ["refund"], now=utcnow())
    view = saved_views.save_view(workspace, owner, "Refunds", Filters(tag="refund"), shared=True,
                                 now=utcnow())
    colleague = add_member(workspace, make_user(name="Zoe New")).user
    add_dovecot_mailbox(workspace, SimpleNamespace(host="127.0.0.1", port=1),  # never fetched here
                        SimpleNamespace(email="help@acme.example", password="secret"))
    page = client.get(inbox).get_data(as_text=True)
    links = sidebar_links(page)
    assert ("All open 2", f"{inbox}?view=open", True) in links
    assert ("Refunds (shared) 1", f"{inbox}?saved={view.id}", False) in links
    assert ("#refund", f"{inbox}?tag=refund", False) in links
    assert options(page, "assignee") == ["Nobody", owner.name, "Zoe New"]  # the bulk toolbar
    assert "Zoe New" in options(page, "filter-assignee") and "help@acme.example" in options(page, "filter-mailbox")

    colleague.name = "Zoe Renamed"
    colleague.save()
    tickets.change_status(first, owner, "solved", now=utcnow())
    page = client.get(f"{inbox}?tag=refund").get_data(as_text=True)
    links = sidebar_links(page)
    assert ("All open 1", f"{inbox}?view=open", False) in links and ("#refund", f"{inbox}?tag=refund", True) in links
    assert "Zoe Renamed" in options(page, "assignee") and "Zoe New" not in page
    page = client.get(f"{inbox}?view=all&status=open&assignee=none").get_data(as_text=True)
    assert not any(current for _, _, current in sidebar_links(page))  # a filtered page is no fixed view
    assert 'selected value="open"' in page and 'selected value="none"' in page


def test_two_workspaces_showing_the_same_counts_link_each_to_its_own(client, app_context):
    ours, theirs = make_workspace(name="Ours"), make_workspace(name="Theirs")
    for workspace in (ours, theirs):
        make_ticket(workspace, subject="Same")
    member = make_user()
    for workspace in (ours, theirs):
        add_member(workspace, member)
    sign_in(client, member)
    for workspace in (ours, theirs):
        links = sidebar_links(client.get(f"/w/{workspace.slug}/tickets/").get_data(as_text=True))
        assert all(href.startswith(f"/w/{workspace.slug}/") for _, href, _ in links)


class SidebarInFrench(French):
    WORDS = {**French.WORDS, "All open": "Tous ouverts", "Any": "Tous", "Assign": "Attribuer"}


def test_a_kept_sidebar_speaks_each_agents_language(client, app_context, monkeypatch):
    workspace = make_workspace(name="Acme")
    make_ticket(workspace)
    sign_in(client, owner_of(workspace).user)
    inbox = f"/w/{workspace.slug}/tickets/"
    assert "All open 1" in [text for text, _, _ in sidebar_links(client.get(inbox).get_data(as_text=True))]
    with monkeypatch.context() as french:
        french.setattr(i18n, "translations", SidebarInFrench)
        page = client.get(inbox).get_data(as_text=True)
        assert "Tous ouverts 1" in [text for text, _, _ in sidebar_links(page)]
        assert options(page, "filter-status")[0] == "Tous" and ">Attribuer</button>" in page
    assert "All open 1" in [text for text, _, _ in sidebar_links(client.get(inbox).get_data(as_text=True))]


def test_a_fragment_is_rendered_once_per_key_and_the_kept_ones_are_bounded(app, monkeypatch):
    monkeypatch.setattr(fragments, "_fragments", {})
    monkeypatch.setattr(fragments, "FRAGMENTS_KEPT", 3)
    made = []

    def context(name):
        made.append(name)
        return {"tags": (name,), "inbox_url": "/w/x/tickets/", "views": (), "counts": {}, "saved_views": (),
                "canned_url": "/c"}

    with app.test_request_context():
        for name in ("a", "a", "b", "a", "<b>"):
            html = fragments.fragment("tickets/_views_nav.html", name, lambda: context(name))
            assert f">#{name.replace('<', '&lt;').replace('>', '&gt;')}</a>" in html
        assert made == ["a", "b", "<b>"]
        for name in "cdefg":
            fragments.fragment("tickets/_views_nav.html", name, lambda: context(name))
    assert len(fragments._fragments) <= 3
