"""The issue's whole story in Chromium: an end user (at phone width) signs in by the emailed link, sees a similar
suggestion while typing, posts anyway, votes, comments; an agent (at laptop width) links a ticket, merges a
duplicate in and marks it done with an official reply; each person who asked gets exactly one "done" email.
"""
import re
from datetime import timedelta

from playwright.sync_api import expect

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions import notify, services
from helpdesk.suggestions.models import Suggestion
from tests.browser import fits, sign_in
from tests.conftest import link_in, sent_mail
from tests.factories import make_customer, make_ticket, make_workspace, owner_of

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 850}
ANN, DAN, CARA = "ann@client.example", "dan@client.example", "cara@client.example"


def shipped_mail(app, to):
    return [m for m in sent_mail(app, to=to) if m["Subject"].startswith("Shipped:")]


def vote_button(page):
    return page.locator("form.vote button")


def test_an_end_user_posts_votes_comments_and_everyone_who_asked_hears_once_when_it_ships(app, new_page, shots):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        owner = owner_of(workspace).user
        EndUser.create(workspace=workspace, email=ANN, name="Ann Lee")
        dan = EndUser.create(workspace=workspace, email=DAN, name="Dan")
        duplicate = services.post_suggestion(workspace, dan, title="Dark mode for the app", description="At night",
                                             tag_id=None, now=utcnow())
        ticket = make_ticket(workspace, make_customer(workspace, email=CARA), subject="Is there a dark theme?")
    board = f"/h/{workspace.slug}/suggestions/"

    # The end user, on a phone: signs in by the link emailed to her.
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(board)
    page.get_by_role("link", name="Post a suggestion").click()
    page.get_by_role("region", name="With a link by email").get_by_label("Your email").fill(ANN)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(link_in(sent_mail(app, to=ANN)[-1]))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/requests/$"))

    # Typing a title shows the similar suggestion; she posts hers anyway.
    page.goto(board + "new")
    expect(page.get_by_text("What you post here is public")).to_be_visible()
    with page.expect_response(re.compile(r"/suggestions/similar\?title=")):
        page.get_by_label("Title").press_sequentially("Dark theme at night", delay=20)
    similar = page.locator("#similar-suggestions")
    expect(similar.get_by_role("link", name="Dark mode for the app")).to_be_visible()
    expect(similar.get_by_role("button", name="Vote for this instead")).to_be_visible()
    assert fits(page)
    shots.take(page, "similar-while-typing")
    page.get_by_label("Description").fill("The **white** screen hurts at 3 am.")
    page.get_by_role("button", name="Post my suggestion publicly").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dark theme at night")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "true")  # the author votes for her post
    posted = Suggestion.get(Suggestion.title == "Dark theme at night")

    # She votes for the similar one too, in place (a second click takes the vote back), and comments on hers.
    page.goto(board + str(duplicate.id))
    url = page.url
    vote_button(page).click()
    expect(vote_button(page)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(page).locator(".vote-count")).to_have_text("2")
    vote_button(page).click()
    expect(vote_button(page).locator(".vote-count")).to_have_text("1")
    vote_button(page).click()
    expect(vote_button(page).locator(".vote-count")).to_have_text("2")
    assert page.url == url  # toggled in place, no page load
    page.goto(board + str(posted.id))
    page.get_by_label("Your comment").fill("Also on the phone app, please.")
    page.get_by_role("button", name="Post my comment publicly").click()
    expect(page.get_by_text("Also on the phone app, please.")).to_be_visible()
    assert fits(page)
    shots.take(page, "posted-voted-commented")

    # The agent links the ticket, merges the duplicate in and marks it done with an official reply.
    agent = new_page()
    agent.set_viewport_size(LAPTOP)
    sign_in(agent, owner)
    agent.goto(f"/w/{workspace.slug}/tickets/{ticket.number}")
    agent.get_by_label("Find a suggestion").fill("theme at night")
    agent.get_by_role("button", name="Search suggestions").click()
    agent.get_by_role("button", name="Link and add the customer as a voter").click()
    expect(agent.get_by_text("Ticket linked to “Dark theme at night”")).to_be_visible()
    [added] = sent_mail(app, to=CARA)  # "you were added as a voter"
    assert added["Subject"] == "Update on “Dark theme at night”"
    agent.goto(f"/w/{workspace.slug}/suggestions/{duplicate.id}")
    agent.get_by_label("Merge into suggestion number").fill(str(posted.id))
    agent.get_by_role("button", name="Merge into that suggestion").click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("Dark theme at night")
    expect(agent.get_by_text("3 votes")).to_be_visible()  # Ann (once, though she voted for both), Dan, Cara
    expect(agent.get_by_role("heading", name="Asked for in 1 ticket")).to_be_visible()
    agent.get_by_label("Status", exact=True).select_option("done")
    agent.get_by_label("Official reply (shown at the top, emailed to followers)").fill("Shipped: Settings → Theme.")
    agent.get_by_role("button", name="Save status and reply").click()
    expect(agent.get_by_role("heading", name="Official reply", exact=True)).to_be_visible()
    shots.take(agent, "done", phone=True)

    # Ann and Dan hear at once; Cara, emailed by the link minutes ago, an hour after that email (the hourly
    # limit), when the periodic job runs then: one "done" email each, and a later run sends nothing more.
    for email in (ANN, DAN):
        [done] = shipped_mail(app, email)
        text = done.get_body(("plain",)).get_content()
        assert "is done: it has shipped" in text and "Settings → Theme." in text
        assert f"/h/{workspace.slug}/suggestions/{posted.id}" in text and done["List-Unsubscribe-Post"]
    assert shipped_mail(app, CARA) == []
    with app.app_context():
        later = utcnow() + timedelta(hours=1, minutes=1)
        assert notify.send_due_notices(now=later) == 1
        assert notify.send_due_notices(now=later + timedelta(hours=2)) == 0
    assert [len(shipped_mail(app, email)) for email in (ANN, DAN, CARA)] == [1, 1, 1]
    agent.goto(f"/w/{workspace.slug}/tickets/{ticket.number}")
    expect(agent.get_by_role("region", name="Conversation").get_by_text(
        "The suggestion “Dark theme at night” this ticket asked for shipped")).to_be_visible()

    # The end user sees the answer on the public page, on her phone.
    page.reload()
    expect(page.get_by_role("heading", name="The team's answer")).to_be_visible()
    expect(page.get_by_text("Done", exact=True).first).to_be_visible()
    assert fits(page)
    shots.take(page, "answered")
