"""Suggestion mail: who is told, at most one email per person per suggestion per hour, one-click unsubscribe."""
import re
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions import notify
from helpdesk.suggestions.models import Suggestion, SuggestionOptOut, SuggestionSubscription
from tests.conftest import sent_mail
from tests.factories import make_workspace

NOW = utcnow()


def follow(suggestion, email, comments=False):
    end_user = EndUser.create(workspace=suggestion.workspace_id, email=email)
    SuggestionSubscription.create(workspace=suggestion.workspace_id, suggestion=suggestion, email=email,
                                  end_user=end_user, comments=comments)
    return email


@pytest.fixture
def board(app_context):
    workspace = make_workspace()
    suggestion = Suggestion.create(workspace=workspace, title="Dark mode")
    people = [follow(suggestion, f"{n}@people.example") for n in ("author", "voter", "commenter")]
    return workspace, suggestion, people


def unsubscribe_path(message):
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    return url.split("localhost", 1)[1]


def test_a_status_change_emails_each_follower_once_with_one_click_unsubscribe(app, board):
    workspace, suggestion, people = board
    assert notify.notify(suggestion, "status", now=NOW) == 3
    mail = sent_mail(app)
    assert sorted(m["To"] for m in mail) == sorted(people)
    for message in mail:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith(f"<http://localhost/h/{workspace.slug}/suggestions/unsubscribe/")
        assert unsubscribe_path(message) in message.get_body(("plain",)).get_content()
        assert f"/h/{workspace.slug}/suggestions/{suggestion.id}" in message.get_body(("plain",)).get_content()


def test_a_second_event_within_the_hour_waits_and_goes_out_as_one_email(app, board):
    _, suggestion, (author, *_) = board
    notify.notify(suggestion, "status", now=NOW)
    assert len(sent_mail(app, to=author)) == 1  # (on Redis the jobs run here)
    notify.notify(suggestion, "official_reply", now=NOW + timedelta(minutes=10))
    notify.send_due_notices(now=NOW + timedelta(minutes=59))
    assert len(sent_mail(app, to=author)) == 1
    notify.send_due_notices(now=NOW + timedelta(minutes=60))
    notify.send_due_notices(now=NOW + timedelta(minutes=61))  # a second run sends nothing more
    assert len(sent_mail(app, to=author)) == 2


def test_new_comments_reach_only_those_who_asked(app, board):
    _, suggestion, _ = board
    follow(suggestion, "keen@people.example", comments=True)
    notify.notify(suggestion, "comment", now=NOW)
    assert [m["To"] for m in sent_mail(app)] == ["keen@people.example"]


def test_unsubscribe_by_one_click_post_without_signing_in(app, board, client):
    _, suggestion, (author, voter, _) = board
    notify.notify(suggestion, "status", now=NOW)
    (message,) = sent_mail(app, to=voter)
    path = unsubscribe_path(message)
    page = client.get(path)  # a scanner opening the link changes nothing
    assert page.status_code == 200 and "Unsubscribe from this suggestion" in page.get_data(as_text=True)
    assert not SuggestionSubscription.select().where(SuggestionSubscription.unsubscribed_at.is_null(False)).exists()
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})  # as a mail client sends it: no CSRF token
    assert answer.status_code == 200 and "no more email" in answer.get_data(as_text=True)
    notify.notify(suggestion, "status", now=NOW + timedelta(hours=2))
    assert len(sent_mail(app, to=voter)) == 1  # no new one
    assert len(sent_mail(app, to=author)) == 2  # the others still get theirs


def test_unsubscribe_from_all_stops_mail_of_every_suggestion(app, board, client):
    workspace, suggestion, (_, voter, _) = board
    other = Suggestion.create(workspace=workspace, title="Exports")
    SuggestionSubscription.create(workspace=workspace, suggestion=other, email=voter)
    token = notify.unsubscribe_token(workspace.id, voter)
    assert client.post(f"/h/{workspace.slug}/suggestions/unsubscribe/{token}").status_code == 200
    notify.notify(suggestion, "status", now=NOW)
    notify.notify(other, "status", now=NOW)
    assert sent_mail(app, to=voter) == []


def test_an_unsubscribe_link_works_only_for_its_person_and_workspace(app, board, client):
    workspace, suggestion, (_, voter, _) = board
    elsewhere = make_workspace()
    foreign = notify.unsubscribe_token(elsewhere.id, voter)  # same address, another workspace's link
    assert client.post(f"/h/{workspace.slug}/suggestions/unsubscribe/{foreign}").status_code == 404
    forged = notify.unsubscribe_token(workspace.id, voter)[:-2] + "xx"
    assert client.post(f"/h/{workspace.slug}/suggestions/unsubscribe/{forged}").status_code == 404
    assert not SuggestionOptOut.select().exists()
    own = notify.unsubscribe_token(workspace.id, voter, suggestion.id)
    client.post(f"/h/{workspace.slug}/suggestions/unsubscribe/{own}")
    stopped = SuggestionSubscription.select().where(SuggestionSubscription.unsubscribed_at.is_null(False))
    assert [s.email for s in stopped] == [voter]  # nobody else


def test_unsubscribe_works_while_the_workspace_is_read_only(app, board, client):
    from helpdesk.workspaces.models import Workspace

    workspace, suggestion, (_, voter, _) = board
    Workspace.update(status=Workspace.LAPSED, status_changed_at=NOW).where(Workspace.id == workspace.id).execute()
    token = notify.unsubscribe_token(workspace.id, voter)
    assert client.post(f"/h/{workspace.slug}/suggestions/unsubscribe/{token}").status_code == 200
    assert SuggestionOptOut.select().count() == 1


KILLED_AFTER_TWO_EMAILS = """
import json, os, signal, sys
from datetime import datetime
from helpdesk import create_app
from helpdesk.core import mailer
from helpdesk.suggestions.notify import send_due_notices

finish = mailer._finish
def killed_after_the_second_accepted(*args):
    finish(*args)
    mailer.accepted = getattr(mailer, "accepted", 0) + 1
    if mailer.accepted == 2:  # the outbox took the second email: the process dies right there
        os.kill(os.getpid(), signal.SIGKILL)
mailer._finish = killed_after_the_second_accepted
with create_app(json.loads(sys.argv[1])).app_context():
    send_due_notices(now=datetime.fromisoformat(sys.argv[2]))
"""


def test_a_notice_run_killed_half_way_then_run_again_emails_each_person_exactly_once(app, board):
    import json
    import signal
    import subprocess
    import sys

    from helpdesk.core.mailer import SEND_LEASE, SystemEmail, send_due_system_emails
    from tests.conftest import drain_jobs

    _, suggestion, people = board
    people += [follow(suggestion, f"voter{n}@people.example") for n in range(3)]
    notify.notify(suggestion, "status", now=NOW)
    assert len(sent_mail(app)) == len(people) == 6
    notify.notify(suggestion, "official_reply", now=NOW + timedelta(minutes=10))  # waits for the hour
    due = NOW + timedelta(minutes=61)

    # Jobs in-process in the killed run (as without Redis), whatever the suite uses.
    config = {key: str(app.config[key]) for key in ("DATABASE_URL", "STORAGE_DIR", "MAIL_URL", "ENCRYPTION_KEYS",
                                                    "SECRET_KEY", "QUEUE_NAME", "BASE_URL")}
    child = subprocess.run([sys.executable, "-c", KILLED_AFTER_TWO_EMAILS,
                            json.dumps({"TESTING": True, "REDIS_URL": None, **config}), due.isoformat()],
                           capture_output=True, timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert len(sent_mail(app)) == 6 + 2

    notify.send_due_notices(now=due)
    drain_jobs()
    send_due_system_emails(now=due + SEND_LEASE + timedelta(minutes=1))  # what a lost delivery would need
    drain_jobs()
    notify.send_due_notices(now=due + timedelta(minutes=1))
    mail = sent_mail(app)
    assert sorted(m["To"] for m in mail) == sorted(people * 2)  # the first event's email and this one, each once
    stored = SystemEmail.select().where(SystemEmail.subject.contains("Dark mode"))
    assert sorted(e.to_address for e in stored) == sorted(people * 2)
    assert {e.status for e in stored} == {SystemEmail.SENT}
    assert not SuggestionSubscription.select().where(SuggestionSubscription.pending_reasons != "").exists()
