"""Custom domains, the rules: host names checked, the DNS proof read through a resolver (a fake one here)."""
from datetime import timedelta

import pytest

from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.helpcenter import domains, services
from helpdesk.helpcenter.models import HelpCenter
from tests.factories import make_workspace, owner_of
from tests.helpcenter.domain_helpers import TARGET, cname_target, enter_domain, verify_domain  # noqa: F401
from tests.helpcenter.fake_dns import TIMEOUT, FakeResolver

pytestmark = pytest.mark.usefixtures("cname_target", "app_context")


@pytest.mark.parametrize("text, host", [
    ("help.example.com", "help.example.com"),
    ("  Help.Example.COM.  ", "help.example.com"),
    ("https://help.example.com/articles/1", "help.example.com"),
    ("hilfe.bücher.example", "hilfe.xn--bcher-kva.example"),
    ("a-b.c-d.example", "a-b.c-d.example"),
    ("x" * 63 + ".example", "x" * 63 + ".example"),
])
def test_a_host_name_is_kept_lower_cased_in_idna_form(app_context, text, host):
    assert domains.normalize_host(text) == host


@pytest.mark.parametrize("text, says", [
    ("", "Enter a host name"),
    ("192.0.2.10", "not an IP address"),
    ("http://192.0.2.10:8080/x", "not an IP address"),
    ("[2001:db8::1]", "not an IP address"),
    ("help.example.com:8080", "without a port"),
    ("example", "full host name"),
    ("10.0.0", "full host name"),
    ("help_desk.example.com", "not a valid host name"),
    ("-help.example.com", "not a valid host name"),
    ("help..example.com", "not a valid host name"),
    ("x" * 64 + ".example", "at most 63 in a part"),
    (".".join(["abcdefghi"] * 26) + ".example", "253 in all"),
    ("printer.local", "reserved name"),
    ("desk.localhost", "reserved name"),
    ("localhost", "full host name"),
    (TARGET, "belongs to this service"),
    ("evil." + TARGET, "belongs to this service"),
    ("<script>.example", "not a valid host name"),
])
def test_a_host_name_that_is_no_public_dns_name_is_refused_with_a_reason(app_context, text, says):
    with pytest.raises(domains.DomainError, match=says):
        domains.normalize_host(text)


def test_the_service_own_host_from_base_url_is_refused(app, app_context, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://desk.helpdesk.example")
    with pytest.raises(domains.DomainError, match="belongs to this service"):
        domains.normalize_host("desk.helpdesk.example")


def test_entering_a_domain_shows_a_cname_and_a_txt_record_with_a_random_token(app):
    workspace = make_workspace()
    help_center = enter_domain(app, workspace, "Help.Acme.example")
    other = enter_domain(app, make_workspace(), "support.other.example")
    assert help_center.domain == "help.acme.example" and help_center.verified_domain is None
    assert len(help_center.domain_token) == 32 and help_center.domain_token != other.domain_token
    with app.app_context():
        records = domains.records_of(help_center)
    assert [(r.type, r.name, r.value) for r in records] == [
        ("CNAME", "help.acme.example", TARGET),
        ("TXT", "_helpdesk-verify.help.acme.example", help_center.domain_token)]
    assert AuditEntry.select().where(AuditEntry.action == "help_center.domain_added").count() == 2


def check(app, help_center, records):
    resolver = FakeResolver(records)
    with app.app_context():
        found = domains.check_dns(help_center, owner_of(help_center.workspace), resolver=resolver, now=utcnow())
    return found, resolver


def txt(host, *values):
    return {(f"_helpdesk-verify.{host}", "TXT"): [f'_helpdesk-verify.{host}. 300 IN TXT "{v}"' for v in values]}


def test_nxdomain_leaves_the_domain_unverified_and_says_no_record(app):
    help_center = enter_domain(app, make_workspace(), "help.acme.example")
    found, resolver = check(app, help_center, {})
    assert (found.outcome, found.cname) == (domains.NO_RECORD, "")
    assert HelpCenter.get_by_id(help_center.id).domain_verified_at is None
    assert [(name, kind) for name, kind, _ in resolver.asked] == [
        ("_helpdesk-verify.help.acme.example", "TXT"), ("help.acme.example", "CNAME")]
    assert all(lifetime == domains.LOOKUP_SECONDS for *_, lifetime in resolver.asked)


def test_a_txt_record_with_another_value_is_a_wrong_token(app):
    help_center = enter_domain(app, make_workspace(), "help.acme.example")
    records = {**txt("help.acme.example", "v=spf1 -all", "0123456789abcdef"),
               ("help.acme.example", "CNAME"): ["help.acme.example. 300 IN CNAME old-desk.example."]}
    found, _ = check(app, help_center, records)
    assert (found.outcome, found.cname) == (domains.WRONG_TOKEN, "old-desk.example")
    saved = HelpCenter.get_by_id(help_center.id)
    assert saved.domain_verified_at is None and saved.domain_check == domains.WRONG_TOKEN
    assert not domains.points_here(saved)


def test_the_right_token_verifies_and_reports_the_cname(app):
    help_center = enter_domain(app, make_workspace(), "help.acme.example")
    records = {**txt("help.acme.example", "google-site-verification=xyz", help_center.domain_token),
               ("help.acme.example", "CNAME"): [f"help.acme.example. 300 IN CNAME {TARGET.upper()}."]}
    found, _ = check(app, help_center, records)
    assert (found.outcome, found.cname) == (domains.VERIFIED, TARGET)
    saved = HelpCenter.get_by_id(help_center.id)
    assert saved.verified_domain == "help.acme.example" and domains.points_here(saved)
    assert AuditEntry.select().where(AuditEntry.action == "help_center.domain_verified").count() == 1


def test_a_token_split_into_several_strings_of_one_record_still_verifies(app):
    help_center = enter_domain(app, make_workspace(), "help.acme.example")
    token = help_center.domain_token
    records = {("_helpdesk-verify.help.acme.example", "TXT"): [
        f'_helpdesk-verify.help.acme.example. 300 IN TXT "{token[:10]}" "{token[10:]}"']}
    assert check(app, help_center, records)[0].outcome == domains.VERIFIED


def test_a_timeout_says_so_and_changes_nothing_of_a_verified_domain(app):
    help_center = verify_domain(app, make_workspace())
    verified_at = help_center.domain_verified_at
    found, _ = check(app, help_center, {("_helpdesk-verify.help.acme.example", "TXT"): TIMEOUT,
                                        ("help.acme.example", "CNAME"): TIMEOUT})
    assert (found.outcome, found.cname) == (domains.TIMEOUT, "")
    saved = HelpCenter.get_by_id(help_center.id)
    assert saved.domain_verified_at == verified_at and saved.domain_check == domains.TIMEOUT


def test_a_name_without_a_txt_record_but_with_others_is_no_record(app):
    help_center = enter_domain(app, make_workspace(), "help.acme.example")
    records = {("_helpdesk-verify.help.acme.example", "A"): ["_helpdesk-verify.help.acme.example. 300 IN A 192.0.2.1"]}
    assert check(app, help_center, records)[0].outcome == domains.NO_RECORD


def test_one_host_belongs_to_one_workspace(app):
    verify_domain(app, make_workspace(name="Acme"))
    other = make_workspace(name="Other")
    with pytest.raises(domains.DomainError, match="already the domain of another help center"):
        enter_domain(app, other, "HELP.acme.example")
    with app.app_context():
        assert services.help_center_of(other).domain is None


def test_a_claim_nobody_verified_for_a_week_no_longer_keeps_the_host(app):
    squatter = make_workspace(name="Squatter")
    enter_domain(app, squatter, "help.acme.example")
    owner = make_workspace(name="Acme")
    with pytest.raises(domains.DomainError):
        enter_domain(app, owner, "help.acme.example")
    HelpCenter.update(domain_added_at=utcnow() - timedelta(days=domains.UNVERIFIED_CLAIM_DAYS, minutes=1)).execute()
    assert enter_domain(app, owner, "help.acme.example").domain == "help.acme.example"
    with app.app_context():
        assert services.help_center_of(squatter).domain is None


def test_a_verified_domain_is_never_released_to_another_workspace(app):
    verify_domain(app, make_workspace(name="Acme"))
    HelpCenter.update(domain_added_at=utcnow() - timedelta(days=365)).execute()
    with pytest.raises(domains.DomainError):
        enter_domain(app, make_workspace(name="Other"), "help.acme.example")


def test_removing_the_domain_frees_it_and_a_new_entry_gets_a_new_token(app):
    workspace = make_workspace()
    help_center = verify_domain(app, workspace)
    old_token = help_center.domain_token
    with app.app_context():
        domains.remove_domain(help_center, owner_of(workspace), now=utcnow())
    saved = HelpCenter.get_by_id(help_center.id)
    assert (saved.domain, saved.domain_token, saved.domain_verified_at) == (None, "", None)
    again = enter_domain(app, workspace, "help.acme.example")
    assert again.domain_token != old_token and again.verified_domain is None


def test_a_second_domain_needs_the_first_removed(app):
    workspace = make_workspace()
    enter_domain(app, workspace, "help.acme.example")
    with pytest.raises(domains.DomainError, match="Remove the current domain"):
        enter_domain(app, workspace, "support.acme.example")


def test_without_custom_domain_target_the_cname_points_to_base_url_host(app, monkeypatch):
    from helpdesk.config import load_config

    assert load_config({"CUSTOM_DOMAIN_TARGET": " Domains.Desk.example. "})["CUSTOM_DOMAIN_TARGET"] == "domains.desk.example"
    monkeypatch.setitem(app.config, "CUSTOM_DOMAIN_TARGET", None)
    monkeypatch.setitem(app.config, "BASE_URL", "https://desk.helpdesk.example")
    help_center = enter_domain(app, make_workspace(), "help.acme.example")
    assert domains.records_of(help_center)[0].value == "desk.helpdesk.example"
