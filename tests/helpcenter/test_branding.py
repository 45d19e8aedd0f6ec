"""Branding and admin switches: name, logo, accent contrast, welcome text, footer links; off and internal-only."""
import io

import pytest

from helpdesk.helpcenter import services
from helpdesk.helpcenter.models import HelpCenter
from helpdesk.workspaces.models import Role
from tests.conftest import post, sign_in
from tests.factories import add_member, make_workspace, owner_of
from tests.knowledge.helpers import PNG, make_article, make_category

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_contrast_ratio_follows_wcag():
    assert round(services.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(services.contrast_ratio("#2563eb", "#ffffff"), 2) == 5.17


@pytest.mark.parametrize("colour, problem", [
    ("#ffee00", "contrast of 1.2:1"), ("#777777", "contrast of 4.4:1"), ("blue", "six hex digits"),
    ("#12345", "six hex digits"), ("#1234567", "six hex digits")])
def test_an_accent_that_white_text_cannot_be_read_on_is_refused(colour, problem):
    with pytest.raises(services.SettingsError, match=problem):
        services.check_accent(colour)


def test_a_dark_enough_accent_is_kept_lower_cased():
    assert services.check_accent(" #1D4ED8 ") == "#1d4ed8" and services.check_accent("") == ""


@pytest.mark.parametrize("data, kind", [(PNG, "image/png"), (b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
                                        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(20), "image/webp")])
def test_logo_type_comes_from_the_bytes(data, kind):
    assert services.check_logo(data) == kind


@pytest.mark.parametrize("data, problem", [(SVG, "PNG, JPEG or WebP"), (b"GIF89a" + bytes(10), "PNG, JPEG or WebP"),
                                           (PNG + bytes(600 * 1024), "larger than 512 KB")])
def test_svg_other_types_and_large_logos_are_refused(data, problem):
    with pytest.raises(services.SettingsError, match=problem):
        services.check_logo(data)


def test_footer_links_are_label_bar_address_lines():
    links = services.parse_footer_links("Privacy | https://acme.example/privacy\n\nWrite to us | mailto:hi@acme.example")
    assert [(link.label, link.url) for link in links] == [("Privacy", "https://acme.example/privacy"),
                                                          ("Write to us", "mailto:hi@acme.example")]
    with pytest.raises(services.SettingsError, match="Line 1"):
        services.parse_footer_links("Evil | javascript:alert(1)")


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


def save(client, workspace, **data):
    fields = {"enabled": "y", "display_name": "", "welcome_text": "", "accent_color": "", "footer_links": "", **data}
    return post(client, f"/w/{workspace.slug}/help-center/", fields, content_type="multipart/form-data")


def test_an_admin_brands_the_help_center(client, acme):
    sign_in(client, owner_of(acme).user)
    response = save(client, acme, display_name="Acme Help", welcome_text="Answers <b>fast</b>.",
                    accent_color="#1d4ed8", footer_links="Privacy | https://acme.example/privacy",
                    logo=(io.BytesIO(PNG), "logo.png"))
    assert response.status_code == 302
    home = client.get(f"/h/{acme.slug}/").get_data(as_text=True)
    assert "<title>Help center · Acme Help</title>" in home
    assert "Answers &lt;b&gt;fast&lt;/b&gt;." in home
    assert '<a href="https://acme.example/privacy" rel="noopener">Privacy</a>' in home
    assert f"/h/{acme.slug}/theme.css?v=" in home and f"/h/{acme.slug}/logo?v=" in home
    theme = client.get(f"/h/{acme.slug}/theme.css")
    assert theme.content_type.startswith("text/css") and "--accent: #1d4ed8" in theme.get_data(as_text=True)
    logo = client.get(f"/h/{acme.slug}/logo")
    assert logo.content_type == "image/png" and logo.data == PNG
    assert logo.headers["X-Content-Type-Options"] == "nosniff"


def test_refused_settings_say_why_and_change_nothing(client, acme):
    sign_in(client, owner_of(acme).user)
    response = save(client, acme, display_name="Kept", accent_color="#ffee00", logo=(io.BytesIO(SVG), "logo.svg"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Pick a darker colour" in html and 'value="Kept"' in html
    assert HelpCenter.of(acme).count() == 0
    response = save(client, acme, logo=(io.BytesIO(SVG), "logo.png"))
    assert response.status_code == 422 and "PNG, JPEG or WebP" in response.get_data(as_text=True)
    assert client.get(f"/h/{acme.slug}/logo").status_code == 404


def test_agents_cannot_change_the_help_center(client, acme):
    sign_in(client, add_member(acme, role=Role.AGENT).user)
    assert client.get(f"/w/{acme.slug}/help-center/").status_code == 403
    assert save(client, acme, enabled="").status_code == 403
    assert client.get(f"/h/{acme.slug}/").status_code == 200


def test_switched_off_by_an_admin_every_public_page_answers_404(client, acme):
    article = make_article(acme, "Reset your password")
    sign_in(client, owner_of(acme).user)
    save(client, acme, enabled="")
    for path in ("", "contact", f"articles/{article.id}-{article.slug}", "search?q=reset", "theme.css"):
        assert client.get(f"/h/{acme.slug}/{path}").status_code == 404, path


def test_the_home_lists_categories_popular_and_recent_articles(client, acme):
    category = make_category(acme, "Billing")
    make_article(acme, "Refunds explained", category=category)
    make_article(acme, "Secret runbook", state="internal", category=category)
    html = client.get(f"/h/{acme.slug}/").get_data(as_text=True)
    assert "Billing" in html and "1 article<" in html and "Refunds explained" in html
    assert "Secret runbook" not in html
    assert 'action="/h/%s/search"' % acme.slug in html and "Contact us" in html


def test_an_internal_only_knowledge_base_leaves_the_public_home(client, acme):
    make_article(acme, "Refunds explained", category=make_category(acme, "Billing"))
    sign_in(client, owner_of(acme).user)
    save(client, acme, knowledge_internal="y")
    html = client.get(f"/h/{acme.slug}/").get_data(as_text=True)
    assert "Billing" not in html and "Refunds explained" not in html and "/search" not in html
    assert "Contact us" in html
    suggestions = client.get(f"/h/{acme.slug}/contact/suggestions?subject=refunds").get_data(as_text=True)
    assert "Refunds" not in suggestions


@pytest.mark.parametrize("articles", [3, 40])
def test_the_home_runs_a_fixed_number_of_queries(client, acme, articles):
    from bench.querycount import count_queries

    category = make_category(acme, "Billing")
    for number in range(articles):
        make_article(acme, f"Invoice question {number}", category=category)
    HelpCenter.create(workspace=acme, display_name="Acme Help")
    with count_queries() as counter:
        response = client.get(f"/h/{acme.slug}/")
    assert response.status_code == 200 and "Invoice question" in response.get_data(as_text=True)
    assert counter.count <= 5, counter.count
