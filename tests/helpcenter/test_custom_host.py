"""A help center on its verified custom domain: every page at `/`, sign-in with its own cookie, nothing else there."""
import re

import pytest
from werkzeug.exceptions import HTTPException

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.hosts import hostname_of
from helpdesk.helpcenter.models import HelpCenter
from helpdesk.tickets.models import Ticket
from helpdesk.workspaces.models import Workspace
from tests.conftest import link_in, sent_mail
from tests.factories import make_customer, make_ticket, make_workspace
from tests.helpcenter.domain_helpers import cname_target, enter_domain, verify_domain  # noqa: F401
from tests.helpcenter.helpers import form_fields
from tests.knowledge.helpers import make_article, make_category

pytestmark = pytest.mark.usefixtures("cname_target")
HOST = "help.acme.example"
SITE = f"http://{HOST}"


@pytest.fixture
def acme(app):
    workspace = make_workspace(name="Acme Support")
    verify_domain(app, workspace, HOST)
    return workspace


@pytest.fixture
def visitor(app):
    """A browser on the custom domain: every request carries Host: help.acme.example."""
    return app.test_client()


def get(client, path, **kwargs):
    return client.get(path, base_url=SITE, **kwargs)


def post(client, path, data, **kwargs):
    return client.post(path, base_url=SITE, data=data, **kwargs)


def test_the_verified_domain_serves_every_help_center_page_at_the_root_with_links_without_the_slug(acme, visitor):
    category = make_category(acme, "Printing")
    article = make_article(acme, "Printer jams", category=category)
    home = get(visitor, "/")
    html = home.get_data(as_text=True)
    assert home.status_code == 200 and "Acme Support" in html and "Inbox" not in html
    assert f"/h/{acme.slug}" not in html
    assert f'href="/articles/{article.id}-{article.slug}"' in html and 'href="/contact"' in html
    for path in (f"/articles/{article.id}-{article.slug}", f"/categories/{category.id}", "/search?q=printer",
                 "/contact", "/signin", "/signup", "/suggestions/", "/suggestions/roadmap", "/robots.txt",
                 "/sitemap.xml", "/static/css/app.css"):
        page = get(visitor, path)
        assert page.status_code == 200, path
        assert f"/h/{acme.slug}" not in page.get_data(as_text=True), path
    page = get(visitor, f"/articles/{article.id}-{article.slug}").get_data(as_text=True)
    assert f'<link rel="canonical" href="{SITE}/articles/{article.id}-{article.slug}">' in page
    assert f"<loc>{SITE}/articles/{article.id}-{article.slug}</loc>" in get(visitor, "/sitemap.xml").get_data(as_text=True)
    renamed = get(visitor, f"/articles/{article.id}-old-title")
    assert renamed.status_code == 301 and renamed.location.endswith(f"/articles/{article.id}-{article.slug}")
    assert get(visitor, "/requests/").status_code == 302  # signing in first, on this host
    assert "/signin" in get(visitor, "/requests/").location


def test_the_slug_address_keeps_working_and_names_the_domain_as_canonical(acme, client):
    article = make_article(acme, "Printer jams")
    page = client.get(f"/h/{acme.slug}/articles/{article.id}-{article.slug}")
    assert page.status_code == 200
    assert f'<link rel="canonical" href="{SITE}/articles/{article.id}-{article.slug}">' in page.get_data(as_text=True)


def test_an_end_user_signs_in_on_the_domain_with_a_cookie_of_that_host_and_follows_requests(app, acme, visitor):
    make_ticket(acme, make_customer(acme, email="ann@client.example"), subject="Printer broken")
    page = get(visitor, "/signup").get_data(as_text=True)
    response = post(visitor, "/signup", {"name": "Ann Lee", "email": "ann@client.example", **form_fields(page)})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    link = link_in(sent_mail(app, to="ann@client.example")[-1])
    assert link.startswith(f"{SITE}/signin/")  # the mailed link is on the domain, without the slug
    path = link.removeprefix(SITE)
    confirmed = post(visitor, path, form_fields(get(visitor, path).get_data(as_text=True)))
    assert confirmed.status_code == 302 and confirmed.location == "/requests/"
    assert visitor.get_cookie("session", domain=HOST) is not None
    assert visitor.get_cookie("session", domain="localhost") is None  # host-only: not the service's cookie
    requests = get(visitor, "/requests/").get_data(as_text=True)
    ticket = Ticket.of(acme).get()
    assert "Printer broken" in requests and f'href="/requests/{ticket.number}"' in requests
    reply_page = get(visitor, f"/requests/{ticket.number}").get_data(as_text=True)
    sent = post(visitor, f"/requests/{ticket.number}", {"body": "Still jammed.", **form_fields(reply_page)})
    assert sent.status_code == 302 and sent.location == f"/requests/{ticket.number}"
    assert "Still jammed." in get(visitor, f"/requests/{ticket.number}").get_data(as_text=True)
    # the same browser on the service's address is not signed in there (another cookie jar, another host)
    assert visitor.get(f"/h/{acme.slug}/requests/").status_code == 302


def test_the_contact_form_works_on_the_domain_and_its_acknowledgement_links_there(app, acme, visitor):
    page = get(visitor, "/contact").get_data(as_text=True)
    sent = post(visitor, "/contact", {"name": "Ann Lee", "email": "ann@client.example", "subject": "Printer broken",
                                      "message": "It jams.", **form_fields(page)})
    assert sent.status_code == 302 and sent.location.startswith("/contact/sent/")
    assert Ticket.of(acme).count() == 1
    assert link_in(sent_mail(app, to="ann@client.example")[-1]) == f"{SITE}/"


def test_a_post_without_its_csrf_token_is_refused_in_the_help_center_layout(acme, visitor):
    refused = post(visitor, "/contact", {"name": "A", "email": "a@b.example", "subject": "S", "message": "M"})
    assert refused.status_code == 400 and "Acme Support" in refused.get_data(as_text=True)
    assert Ticket.select().count() == 0


@pytest.mark.parametrize("host", ["unknown.example", "help.acme.example.evil.example", "www.help.acme.example"])
def test_an_unknown_host_answers_404_on_every_path(acme, visitor, host):
    for path in ("/", "/contact", f"/h/{acme.slug}/", "/signin", "/static/css/app.css"):
        page = visitor.get(path, base_url=f"http://{host}")
        assert page.status_code == 404, (host, path)
        assert "Acme Support" not in page.get_data(as_text=True)


def test_a_domain_entered_but_not_verified_answers_404(app, visitor):
    workspace = make_workspace(name="Pending Team")
    enter_domain(app, workspace, "help.pending.example")
    page = visitor.get("/", base_url="http://help.pending.example")
    assert page.status_code == 404 and "Pending Team" not in page.get_data(as_text=True)


def test_the_host_header_is_read_without_case_port_or_final_dot(acme, visitor):
    for host in ("HELP.Acme.Example", f"{HOST}:8443", f"{HOST}."):
        assert visitor.get("/", headers={"Host": host}).status_code == 200, host
    assert hostname_of("[2001:db8::1]:5000") == "2001:db8::1"


def test_health_checks_answer_under_any_host(visitor):
    assert visitor.get("/healthz", base_url="http://10.0.0.7:8000").status_code == 200
    assert visitor.get("/healthz", base_url="http://internal-name.example").status_code == 200


def test_the_agents_app_and_the_operator_console_do_not_exist_on_the_domain(app, acme, visitor):
    """Every route of the app that is not a help-center page there answers 404 on the domain (POST too)."""
    custom = app.extensions["custom_host_map"].bind(HOST)
    rules = [rule for rule in app.url_map.iter_rules()
             if not rule.endpoint.startswith("helpcenter.") and rule.endpoint not in ("static", "health.healthz")]
    assert any(rule.rule.startswith("/operator") for rule in rules) and any("/w/" in rule.rule for rule in rules)
    checked = 0
    for rule in rules:
        path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else acme.slug, rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            try:
                custom.match(path, method=method)
                continue  # the same path is a help-center page there (/signin, /signout...)
            except HTTPException:
                pass
            response = visitor.open(path, method=method, base_url=SITE)
            assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
            checked += 1
    assert checked > 100


def test_r13_a_lapsed_help_center_on_its_domain_is_readable_and_refuses_posts(acme, visitor):
    Workspace.update(status=Workspace.LAPSED).where(Workspace.id == acme.id).execute()
    page = get(visitor, "/contact").get_data(as_text=True)
    assert "This form is closed while the help center is read-only" in page
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    refused = post(visitor, "/contact", {"csrf_token": token, "name": "A", "email": "a@b.example", "subject": "S",
                                         "message": "M"})
    assert refused.status_code == 403 and "read-only" in refused.get_data(as_text=True)


@pytest.mark.parametrize("status", [Workspace.CANCELLED, Workspace.SUSPENDED, Workspace.DELETED])
def test_r19_an_offline_workspace_domain_answers_404(acme, visitor, status):
    Workspace.update(status=status).where(Workspace.id == acme.id).execute()
    assert get(visitor, "/").status_code == 404


def test_a_help_center_switched_off_answers_404_on_its_domain_too(acme, visitor):
    HelpCenter.update(enabled=False).where(HelpCenter.workspace == acme.id).execute()
    assert get(visitor, "/").status_code == 404


def test_another_workspace_pages_and_tickets_are_unreachable_through_the_domain(app, acme, visitor):
    from helpdesk.suggestions import services as board
    from tests.helpcenter.helpers import signed_in

    other = make_workspace(name="Other Team")
    theirs = make_article(other, "Their secret article")
    their_category = make_category(other, "Their category")
    their_ticket = make_ticket(other, make_customer(other, email="ann@client.example"), subject="Their ticket")
    their_idea = board.post_suggestion(other, signed_in(app, app.test_client(), other), title="Their idea",
                                       description="x", tag_id=None, now=utcnow())
    make_ticket(acme, make_customer(acme, email="ann@client.example"), subject="Mine")
    # Ann signs in to Acme's help center on its domain
    page = get(visitor, "/signup").get_data(as_text=True)
    post(visitor, "/signup", {"name": "Ann", "email": "ann@client.example", **form_fields(page)})
    path = link_in(sent_mail(app, to="ann@client.example")[-1]).removeprefix(SITE)
    post(visitor, path, form_fields(get(visitor, path).get_data(as_text=True)))
    assert "Mine" in get(visitor, "/requests/").get_data(as_text=True)
    token = form_fields(get(visitor, "/contact").get_data(as_text=True))["csrf_token"]
    numbers = {"article_id": theirs.id, "category_id": their_category.id, "number": their_ticket.number + 50,
               "suggestion_id": their_idea.id, "comment_id": 999999, "attachment_id": 999999}
    rules = [rule for rule in app.extensions["custom_host_map"].iter_rules() if "<int:" in rule.rule
             and rule.endpoint != "helpcenter.contact_sent"]
    assert len(rules) >= 10
    for rule in rules:
        path = re.sub(r"<int:(\w+)>", lambda m: str(numbers[m.group(1)]), rule.rule).replace("<slug>", "x")
        method = "post" if "GET" not in rule.methods else "get"
        response = getattr(visitor, method)(path, base_url=SITE, data={"csrf_token": token, "body": "x"})
        assert response.status_code == 404 and "Their" not in response.get_data(as_text=True), \
            f"{method} {path} answered {response.status_code}"
    assert "Their secret article" not in get(visitor, "/search?q=secret").get_data(as_text=True)
    assert get(visitor, f"/h/{other.slug}/").status_code == 404


def test_the_proxy_may_ask_whether_a_host_may_get_a_certificate(app, acme, client):
    enter_domain(app, make_workspace(name="Pending"), "help.pending.example")
    assert client.get(f"/internal/tls-allowed?domain={HOST}").status_code == 200
    assert client.get(f"/internal/tls-allowed?domain={HOST.upper()}").status_code == 200
    for name in ("help.pending.example", "unknown.example", ""):
        assert client.get(f"/internal/tls-allowed?domain={name}").status_code == 404, name
    assert client.get(f"/internal/tls-allowed?domain={HOST}", base_url=SITE).status_code == 404  # not on the domain
    Workspace.update(status=Workspace.CANCELLED).where(Workspace.id == acme.id).execute()
    assert client.get(f"/internal/tls-allowed?domain={HOST}").status_code == 404


def test_a_link_to_a_page_of_the_service_is_absolute_on_base_url_with_nothing_added(app, acme):
    from flask import url_for

    with app.test_request_context("/", base_url=SITE):
        assert url_for("accounts.signin") == "http://localhost/signin"  # was ".../signin?_external=False"
        assert url_for("accounts.signin", next="/x", _anchor="form") == "http://localhost/signin?next=/x#form"
        assert url_for("helpcenter.contact") == "/contact"  # the help center's own pages stay on the domain
