"""Custom-domain test helpers: a help center with a verified domain, through the real services."""
import pytest

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter import domains, services
from tests.factories import owner_of
from tests.helpcenter.fake_dns import FakeResolver, verified_zone

TARGET = "desk.service.example"  # CUSTOM_DOMAIN_TARGET in these tests


@pytest.fixture
def cname_target(app, monkeypatch):
    monkeypatch.setitem(app.config, "CUSTOM_DOMAIN_TARGET", TARGET)
    return TARGET


def enter_domain(app, workspace, host):
    with app.app_context():
        return domains.set_domain(services.help_center_of(workspace), owner_of(workspace), host, now=utcnow())


def verify_domain(app, workspace, host="help.acme.example"):
    """Enter `host` and check it against a zone that holds its token: the verified help center."""
    help_center = enter_domain(app, workspace, host)
    with app.app_context():
        found = domains.check_dns(help_center, owner_of(workspace), now=utcnow(),
                                  resolver=FakeResolver(verified_zone(help_center.domain, help_center.domain_token,
                                                                      TARGET)))
    assert found.outcome == domains.VERIFIED
    return help_center
