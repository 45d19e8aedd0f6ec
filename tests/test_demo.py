"""`make run`'s demo workspace: created once, with working logins and sample tickets."""
from helpdesk.demo import DEMO_LOGINS, seed_demo
from helpdesk.knowledge.services import recent_articles
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import Workspace
from tests.conftest import post


def test_demo_seed_is_idempotent_and_its_logins_work(app):
    with app.app_context():
        assert seed_demo() is True
        assert seed_demo() is False
    workspace = Workspace.get(Workspace.slug == "demo")
    assert Ticket.of(workspace).count() == 4
    assert sorted(a.title for a in recent_articles(workspace, 10)) == ["Change your email address",
                                                                       "Reset your password", "Track your order"]
    for _role, email, password in DEMO_LOGINS:
        response = post(app.test_client(), "/signin", {"email": email, "password": password})
        assert response.location.endswith("/w/demo/")


def test_demo_command_prints_the_logins(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0
    assert "owner@demo.example  password: demo-owner-pass" in result.output
