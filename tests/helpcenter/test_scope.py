"""The help center's scoping: which workspaces have one (R19), and the read-only one (R13)."""
import re

import pytest

from helpdesk.helpcenter.models import HelpCenter
from helpdesk.workspaces.models import Workspace
from tests.factories import make_workspace


def set_status(workspace, status):
    Workspace.update(status=status).where(Workspace.id == workspace.id).execute()


def test_a_workspace_has_a_help_center_at_h_slug(client):
    workspace = make_workspace(name="Acme Support")
    page = client.get(f"/h/{workspace.slug}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Acme Support" in html and html.count("<h1") == 1
    assert "Inbox" not in html  # the agents' navigation is not there


def test_unknown_help_center_is_404(client):
    page = client.get("/h/no-such-team/")
    assert page.status_code == 404
    assert "There is nothing here" in page.get_data(as_text=True)


@pytest.mark.parametrize("status", [Workspace.CANCELLED, Workspace.SUSPENDED, Workspace.DELETED])
def test_r19_an_offline_workspace_help_center_answers_404(client, status):
    workspace = make_workspace(name="Gone Team")
    set_status(workspace, status)
    page = client.get(f"/h/{workspace.slug}/")
    assert page.status_code == 404
    assert "Gone Team" not in page.get_data(as_text=True)


def test_a_help_center_switched_off_answers_404(client):
    workspace = make_workspace()
    HelpCenter.create(workspace=workspace, enabled=False)
    assert client.get(f"/h/{workspace.slug}/").status_code == 404


def test_r13_a_lapsed_help_center_is_readable_and_says_so(client):
    workspace = make_workspace()
    set_status(workspace, Workspace.LAPSED)
    page = client.get(f"/h/{workspace.slug}/")
    assert page.status_code == 200
    assert "read-only" in page.get_data(as_text=True)


def fill_public(rule, slug, number, text="x"):
    """A concrete URL for a help-center `rule`: the slug given, `number` for ints, `text` for the rest."""
    values = {"help_slug": slug}
    return re.sub(r"<(?:([a-z]+):)?([a-z_]+)>",
                  lambda m: values.get(m.group(2)) or (str(number) if m.group(1) == "int" else text), rule.rule)


def public_post_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/h/<help_slug>") and "POST" in rule.methods]


def test_r13_a_lapsed_help_center_refuses_every_post_and_shows_no_form(app, client):
    from tests.knowledge.helpers import make_article

    workspace = make_workspace()
    article = make_article(workspace, "Printer jams")
    set_status(workspace, Workspace.LAPSED)
    page = client.get(f"/h/{workspace.slug}/contact").get_data(as_text=True)
    assert "This form is closed while the help center is read-only" in page and "<form method=\"post\"" not in page
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    from helpdesk.helpcenter.scope import ALLOWED_WHEN_READ_ONLY

    rules = [rule for rule in public_post_rules(app) if rule.endpoint not in ALLOWED_WHEN_READ_ONLY]
    assert len(rules) >= 5  # contact, "answered", sign-in, reply, the article vote...
    for rule in rules:
        url = fill_public(rule, workspace.slug, article.id)
        response = client.post(url, data={"csrf_token": token, "name": "A", "email": "a@b.example",
                                          "subject": "S", "message": "M", "helpful": "yes"})
        assert response.status_code == 403, f"POST {url} answered {response.status_code}"
        assert "read-only" in response.get_data(as_text=True)
    from helpdesk.helpcenter.models import ArticleAnswered
    from helpdesk.knowledge.models import ArticleVote
    from helpdesk.tickets.models import Ticket

    assert Ticket.of(workspace).count() == ArticleAnswered.select().count() == ArticleVote.select().count() == 0


def test_a_help_center_request_gives_its_database_connection_back(app):
    """The workspace is read before the request's connect hook: that connection must still close (pool leak)."""
    import threading

    from helpdesk.extensions import db

    with app.app_context():
        slug = make_workspace(name="Pooled").slug
    closed_after = []

    def visit():  # a fresh thread, as each request of the threaded server is
        with app.test_client() as visitor:
            assert visitor.get(f"/h/{slug}/").status_code == 200
            assert visitor.get("/h/no-such-help-center/").status_code == 404
        closed_after.append(db.database.is_closed())

    thread = threading.Thread(target=visit)
    thread.start()
    thread.join()
    assert closed_after == [True]
