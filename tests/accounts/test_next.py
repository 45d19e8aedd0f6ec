"""After sign-in, `?next=` leads only to a path of this site (no open redirect)."""
from urllib.parse import quote

import pytest

from tests.conftest import post
from tests.factories import DEFAULT_PASSWORD, make_workspace

HOSTILE_NEXT = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",  # what `?next=/%09/evil.example` decodes to; browsers drop the tab
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/ /evil.example",
    " //evil.example",
    "/\\/evil.example",
    "https://evil.example/w/acme/",
    "http:evil.example",
    "evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u3000/evil.example",
    "/w/acme/\r\nSet-Cookie: x=1",
]
GOOD_NEXT = ["/w/acme/tickets/?view=mine", "/welcome", "/w/acme/tickets/12#reply",
             "/w/acme/tickets/?q=hello%20world"]


def _sign_in_with_next(client, owner, next_value):
    return post(client, "/signin?next=" + quote(next_value, safe=""),
                {"email": owner.email, "password": DEFAULT_PASSWORD})


@pytest.fixture
def workspace():
    return make_workspace()


@pytest.fixture
def owner(workspace):
    return workspace.membership_set.get().user


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_sign_in_with_a_hostile_next_lands_on_the_default_page(client, workspace, owner, next_value):
    response = _sign_in_with_next(client, owner, next_value)
    assert response.status_code == 302
    assert response.location == f"/w/{workspace.slug}/"


def test_the_reported_tab_trick_does_not_leave_the_site(client, owner):
    response = post(client, "/signin?next=/%09/evil.example", {"email": owner.email, "password": DEFAULT_PASSWORD})
    assert "evil.example" not in response.location


@pytest.mark.parametrize("next_value", GOOD_NEXT)
def test_sign_in_keeps_a_path_of_this_site(client, owner, next_value):
    assert _sign_in_with_next(client, owner, next_value).location == next_value
