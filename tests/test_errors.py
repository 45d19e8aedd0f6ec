"""Error pages and form feedback without JS: in the app's layout, saying what to do."""
import io
import re

import pytest

from helpdesk.config import PROJECT_ROOT
from tests.conftest import csrf_token, post, sign_in
from tests.factories import make_ticket, make_workspace


@pytest.fixture
def desk(client):
    workspace = make_workspace(name="Acme")
    owner = workspace.membership_set.get().user
    ticket = make_ticket(workspace, subject="Printer jam")
    sign_in(client, owner)
    return workspace, ticket


@pytest.fixture
def one_mb_limit(app):
    previous, app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_CONTENT_LENGTH"], 1024 * 1024
    yield
    app.config["MAX_CONTENT_LENGTH"] = previous


def test_too_large_upload_answers_in_the_workspace_layout_with_the_limit(client, desk, one_mb_limit):
    workspace, ticket = desk
    page_url = f"/w/{workspace.slug}/tickets/{ticket.number}"
    token = csrf_token(client)
    response = client.post(f"{page_url}/reply", headers={"Referer": f"http://localhost{page_url}"}, data={
        "csrf_token": token, "body": "Here is the log.",
        "files": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.log")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "larger than 1 MB" in html and "Nothing was sent" in html
    assert f'href="/w/{workspace.slug}/tickets/"' in html  # the workspace's navigation (Inbox)
    assert f'href="http://localhost{page_url}"' in html  # and the way back to the form
    assert "no paid period" not in html  # a trial workspace is not shown as read-only


def test_every_file_input_states_the_upload_limit(client, desk, one_mb_limit):
    workspace, ticket = desk
    html = client.get(f"/w/{workspace.slug}/tickets/{ticket.number}").get_data(as_text=True)
    file_inputs = re.findall(r'<input[^>]*type="file"[^>]*>', html)
    assert len(file_inputs) == 2
    for tag in file_inputs:
        assert 'data-max-bytes="1048576"' in tag
        help_id = re.search(r'aria-describedby="([^"]+)"', tag).group(1)
        assert re.search(rf'id="{help_id}">Up to 1 MB in all.<', html)


def test_a_form_sent_back_with_errors_opens_at_its_first_invalid_field(client, desk):
    workspace, ticket = desk
    response = post(client, f"/w/{workspace.slug}/tickets/{ticket.number}/note", {"body": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    (focused,) = re.findall(r"<(?:input|textarea|select)[^>]*autofocus[^>]*>", html)
    assert 'id="note-body"' in focused and 'aria-invalid="true"' in focused


def test_templates_show_times_only_through_the_one_filter():
    """One format everywhere: a template that formats a time itself would bring a second one."""
    offenders = [str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "templates").rglob("*.html")
                 if re.search(r"strftime|isoformat\(", path.read_text())]
    assert offenders == []
