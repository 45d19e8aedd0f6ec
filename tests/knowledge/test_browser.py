"""The knowledge base in a real browser (Chromium), at laptop and phone width, with long and hostile content."""
import re

from playwright.sync_api import expect

from helpdesk.knowledge.models import Article
from tests.browser import fits, sign_in
from tests.factories import make_ticket, make_workspace
from tests.knowledge.helpers import make_article, make_category

LAPTOP = {"width": 1366, "height": 850}
HOSTILE_BODY = """## Before you start
Make sure you know your **email address**. <script>document.title='owned'</script>
<svg onload="document.title='owned'"></svg> <iframe src="javascript:alert(1)"></iframe> <a href="javascript:alert(1)" hx-get="/x">click</a>

## Reset it
| Setting | Where you find it | Notes |
|---|---|---|
| Password | Account › Security › Passwords-and-sign-in-methods-for-every-device-you-own | Supercalifragilisticexpialidocious |

```
curl -X POST https://example.com/api/v1/accounts/reset-password?token=aVeryLongTokenThatGoesOnAndOnAndOnWithoutAnyBreakAtAll
```

## Still stuck
Write to us.
"""


def seed_center():
    workspace = make_workspace(name="Acme Support")
    top = make_category(workspace, "Your account and everything about signing in")
    sub = make_category(workspace, "Passwords", parent=top)
    article = make_article(workspace, "Reset your password when you forgot it completely-and-utterly-forever",
                           body=HOSTILE_BODY, category=sub)
    make_article(workspace, "Change your email address", body="Open your profile.", category=sub)
    make_article(workspace, "Password rules", body="At least 12 characters.", category=sub, summary="")
    return workspace, article


def test_a_visitor_searches_opens_an_article_and_votes_it_helpful(app, new_page, shots):
    workspace, article = seed_center()
    page = new_page()
    page.set_viewport_size(LAPTOP)
    page.goto(f"/h/{workspace.slug}/search")
    with page.expect_response(re.compile(r"/search\?q=")):
        page.get_by_label("Search the help center").press_sequentially("passw", delay=30)
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name=re.compile("Reset your password"))).to_be_visible()
    expect(results.locator("mark").first).to_be_visible()
    shots.take(page, "search-as-you-type", phone=True)

    results.get_by_role("link", name=re.compile("Reset your password")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reset your password")
    assert page.title() != "owned"
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("Passwords")
    expect(page.get_by_role("link", name="Change your email address")).to_be_visible()
    shots.take(page, "article", phone=True)

    page.get_by_role("button", name="Yes, it helped").click()
    expect(page.get_by_text("Thank you! Glad it helped.")).to_be_visible()
    shots.take(page, "voted", phone=True)
    assert Article.get_by_id(article.id).helpful_yes == 1
    assert fits(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)


def test_an_agent_writes_with_a_live_preview_and_links_an_article_into_a_reply(app, new_page, shots):
    workspace, article = seed_center()
    ticket = make_ticket(workspace, subject="I cannot sign in")
    page = new_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, workspace.membership_set.get().user)
    page.goto(f"/w/{workspace.slug}/knowledge/")
    shots.take(page, "knowledge-list", phone=True)
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Title").fill("Two-factor sign-in")
    with page.expect_response(re.compile(r"/knowledge/preview$")):
        page.get_by_label("Article (Markdown)").fill(HOSTILE_BODY)
    expect(page.locator("#article-preview table")).to_be_visible()
    assert page.title() != "owned"
    shots.take(page, "editor-preview", phone=True)
    page.get_by_role("button", name="Save article").click()
    expect(page.get_by_text("Article saved (version 1).")).to_be_visible()

    page.goto(f"/w/{workspace.slug}/tickets/{ticket.number}")
    page.get_by_text("Insert article link").click()
    with page.expect_response(re.compile(r"/link-search\?q=")):
        page.get_by_label("Search published articles").fill("reset")
    page.get_by_role("button", name=re.compile("Insert link to “Reset your password")).click()
    reply = page.get_by_label("Reply to the customer").input_value()
    assert f"/h/{workspace.slug}/articles/{article.id}-{article.slug})" in reply
    shots.take(page, "ticket-insert-link", phone=True)


def test_two_editors_the_second_save_is_refused_and_keeps_what_was_typed(app, new_page, shots):
    workspace, article = seed_center()
    owner = workspace.membership_set.get().user
    ann, bob = new_page(), new_page(expected_errors=[r"status of 409 \(CONFLICT\)"])  # the refused save
    for page in (ann, bob):
        page.set_viewport_size(LAPTOP)
        sign_in(page, owner)
        page.goto(f"/w/{workspace.slug}/knowledge/articles/{article.id}/edit")
    ann.get_by_label("Summary").fill("Ann's summary, saved first")
    ann.get_by_role("button", name="Save article").click()
    expect(ann.get_by_text("Article saved (version 2).")).to_be_visible()

    bob.get_by_label("Summary").fill("Bob's summary, typed at the same time")
    bob.get_by_role("button", name="Save article").click()
    expect(bob.get_by_role("alert").filter(has_text="saved version 2")).to_be_visible()
    expect(bob.get_by_label("Summary")).to_have_value("Bob's summary, typed at the same time")
    expect(bob.locator("pre.diff .diff-added").filter(has_text="Ann's summary")).to_be_visible()
    shots.take(bob, "conflict", phone=True)
    bob.get_by_role("button", name="Save article").click()
    expect(bob.get_by_text("Article saved (version 3).")).to_be_visible()

    bob.get_by_role("link", name="History").click()
    expect(bob.get_by_role("link", name="Version 1")).to_be_visible()
    shots.take(bob, "history", phone=True)
    bob.goto(f"/h/{workspace.slug}/categories/{article.category_id}")
    expect(bob.get_by_role("heading", level=1)).to_have_text("Passwords")
    shots.take(bob, "public-category", phone=True)
