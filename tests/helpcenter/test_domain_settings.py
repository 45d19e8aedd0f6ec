"""The settings page's custom domain, as an admin uses it: enter, read the records, check DNS, remove."""
import html as html_lib

import pytest

from helpdesk.helpcenter.models import HelpCenter
from helpdesk.workspaces.models import Role
from tests.conftest import post, sign_in
from tests.factories import add_member, make_workspace, owner_of
from tests.helpcenter.domain_helpers import TARGET, cname_target, verify_domain  # noqa: F401
from tests.helpcenter.fake_dns import TIMEOUT, FakeResolver, verified_zone

pytestmark = pytest.mark.usefixtures("cname_target")


@pytest.fixture
def acme(client):
    workspace = make_workspace(name="Acme")
    sign_in(client, owner_of(workspace).user)
    return workspace


def settings_url(workspace, path=""):
    return f"/w/{workspace.slug}/help-center/{path}"


def page_of(client, workspace):
    return html_lib.unescape(client.get(settings_url(workspace)).get_data(as_text=True))


@pytest.fixture
def dns(app, monkeypatch):
    """The resolver the app's DNS check uses: recorded answers, never the internet."""
    resolver = FakeResolver()
    monkeypatch.setitem(app.extensions, "dns_resolver", resolver)
    return resolver


def test_an_admin_enters_a_domain_and_sees_the_records_to_create(client, acme):
    assert "Custom domain" in page_of(client, acme) and "Save domain" in page_of(client, acme)
    response = post(client, settings_url(acme, "domain"), {"domain": " Help.Acme.example "})
    assert response.status_code == 302 and response.location.endswith("/help-center/#custom-domain")
    saved = HelpCenter.of(acme).get()
    page = page_of(client, acme)
    assert "help.acme.example" in page and "Waiting for DNS" in page and "Check DNS" in page
    assert f"<code>{TARGET}</code>" in page and "<code>_helpdesk-verify.help.acme.example</code>" in page
    assert f"<code>{saved.domain_token}</code>" in page and "Save domain" not in page


def test_a_bad_host_name_is_refused_on_the_page_with_the_typed_text_kept(client, acme):
    response = post(client, settings_url(acme, "domain"), {"domain": "192.0.2.1"})
    html = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "not an IP address" in html and 'value="192.0.2.1"' in html
    assert 'aria-invalid="true"' in html
    assert '<input checked id="enabled" name="enabled"' in html  # the other settings shown as saved
    assert HelpCenter.of(acme).count() == 0


def test_a_host_another_workspace_holds_is_refused_clearly(app, client, acme):
    verify_domain(app, make_workspace(name="Other"), "help.acme.example")
    response = post(client, settings_url(acme, "domain"), {"domain": "help.acme.example"})
    assert response.status_code == 422
    assert "already the domain of another help center" in html_lib.unescape(response.get_data(as_text=True))


def test_check_dns_reports_a_missing_record_then_a_wrong_one_then_verifies(client, acme, dns):
    post(client, settings_url(acme, "domain"), {"domain": "help.acme.example"})
    token = HelpCenter.of(acme).get().domain_token
    assert post(client, settings_url(acme, "domain/check")).status_code == 302
    page = page_of(client, acme)
    assert "no TXT record was found at _helpdesk-verify.help.acme.example" in page
    assert "help.acme.example has no CNAME record yet" in page and "Waiting for DNS" in page

    dns.records = {**verified_zone("help.acme.example", "not-the-token", "old-desk.example")}
    post(client, settings_url(acme, "domain/check"))
    page = page_of(client, acme)
    assert "holds another value" in page and "is a CNAME of old-desk.example, not of " + TARGET in page

    dns.records = {("_helpdesk-verify.help.acme.example", "TXT"): TIMEOUT}
    post(client, settings_url(acme, "domain/check"))
    assert "did not answer in time" in page_of(client, acme)

    dns.records = verified_zone("help.acme.example", token, TARGET)
    response = post(client, settings_url(acme, "domain/check"), follow_redirects=True)
    page = html_lib.unescape(response.get_data(as_text=True))
    assert "help.acme.example is verified." in page and "Verified on" in page
    assert f"is a CNAME of {TARGET}, as it should be" in page and 'href="http://help.acme.example/"' in page
    assert client.get("/", base_url="http://help.acme.example").status_code == 200


def test_check_dns_without_the_form_token_does_nothing(client, acme, dns):
    post(client, settings_url(acme, "domain"), {"domain": "help.acme.example"})
    assert client.post(settings_url(acme, "domain/check")).status_code == 400
    assert dns.asked == [] and HelpCenter.of(acme).get().domain_checked_at is None


def test_removing_the_domain_asks_first_then_the_domain_answers_404(app, client, acme):
    verify_domain(app, acme, "help.acme.example")
    confirm = client.get(settings_url(acme, "domain/remove"))
    text = html_lib.unescape(confirm.get_data(as_text=True))
    assert confirm.status_code == 200 and "Remove help.acme.example?" in text and "Remove the domain" in text
    assert HelpCenter.of(acme).get().domain == "help.acme.example"  # nothing removed by looking
    response = post(client, settings_url(acme, "domain/remove"), follow_redirects=True)
    assert "help.acme.example was removed" in html_lib.unescape(response.get_data(as_text=True))
    assert HelpCenter.of(acme).get().domain is None
    assert client.get("/", base_url="http://help.acme.example").status_code == 404
    assert client.get(f"/h/{acme.slug}/").status_code == 200


def test_an_international_name_is_shown_in_its_letters_and_stored_in_idna(client, acme):
    post(client, settings_url(acme, "domain"), {"domain": "hilfe.bücher.example"})
    assert HelpCenter.of(acme).get().domain == "hilfe.xn--bcher-kva.example"
    page = page_of(client, acme)
    assert "hilfe.bücher.example" in page and "<code>hilfe.xn--bcher-kva.example</code>" in page


def test_agents_cannot_set_check_or_remove_a_domain(app, client):
    workspace = make_workspace()
    verify_domain(app, workspace, "help.acme.example")
    sign_in(client, add_member(workspace, role=Role.AGENT).user)
    assert post(client, settings_url(workspace, "domain"), {"domain": "x.acme.example"}).status_code == 403
    assert post(client, settings_url(workspace, "domain/check")).status_code == 403
    assert client.get(settings_url(workspace, "domain/remove")).status_code == 403
    assert post(client, settings_url(workspace, "domain/remove")).status_code == 403
    assert HelpCenter.of(workspace).get().verified_domain == "help.acme.example"
