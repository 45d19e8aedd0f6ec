"""The CPU-under-load bench: its baseline page and the signed-in cookie it gives its clients."""
from datetime import timedelta

from bench import baseline, cpu
from helpdesk.accounts.sessions import open_session
from helpdesk.core.clock import utcnow
from tests.factories import make_ticket, make_workspace, owner_of


def test_the_baseline_renders_the_newest_50_tickets_with_one_query(app):
    workspace = make_workspace(name="Acme")
    for n in range(55):
        make_ticket(workspace, subject=f"Question {n} <b>")
    page = baseline.create_app(app.config["DATABASE_URL"]).test_client().get("/").get_data(as_text=True)
    assert page.count("<tr><td>") == 50
    assert "#55 Question 54 &lt;b&gt;" in page and "#5 Question 4" not in page


def test_the_cookie_signs_the_bench_client_in_as_the_agent(app):
    workspace = make_workspace(name="Acme")
    owner = owner_of(workspace).user
    key = open_session(owner, method="password", now=utcnow(), lasts=timedelta(hours=1)).session_key
    name, value = cpu.session_cookie(app, key).split("=", 1)
    client = app.test_client()
    client.set_cookie(name, value)
    assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 200
    assert app.test_client().get(f"/w/{workspace.slug}/tickets/").status_code == 302  # without it: sign in
