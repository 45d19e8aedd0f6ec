"""The help center in a real browser (Chromium) at laptop and phone width, with long and hostile content."""
import re

from playwright.sync_api import expect

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import ArticleAnswered
from helpdesk.helpcenter.services import save_settings
from helpdesk.tickets.models import Channel, Ticket
from tests.browser import fits, sign_in
from tests.conftest import link_in, sent_mail
from tests.factories import make_workspace, owner_of
from tests.helpcenter.helpers import add_plain_mailbox
from tests.knowledge.helpers import make_article, make_category

LAPTOP = {"width": 1366, "height": 850}
LONG = "Supercalifragilisticexpialidocious-and-then-some-more-without-any-space-at-all"


def branded_center():
    workspace = make_workspace(name="Acme Support")
    owner = owner_of(workspace)
    save_settings(workspace, owner.user, enabled=True, knowledge_internal=False,
                  display_name=f"Acme Support & Friends {LONG}",
                  welcome_text="Answers <script>document.title='owned'</script> for every printer, day and night.",
                  accent_color="#7c2d12", now=utcnow(),
                  footer_links=f"Privacy | https://acme.example/privacy\nTerms {LONG} | https://acme.example/terms")
    category = make_category(workspace, f"Printers and scanners {LONG}")
    make_article(workspace, "Printer jams on every page: what to do", category=category)
    make_article(workspace, "Printer drivers for every system", category=category)
    add_plain_mailbox(workspace)
    return workspace, owner


def test_a_visitor_writes_signs_up_signs_in_by_the_emailed_link_answers_and_the_agent_sees_it(app, new_page, shots):
    workspace, owner = branded_center()
    page = new_page()
    page.set_viewport_size(LAPTOP)
    page.goto(f"/h/{workspace.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How can we help?")
    expect(page.get_by_role("link", name=re.compile("Printers and scanners"))).to_be_visible()
    expect(page.get_by_role("link", name="Privacy")).to_be_visible()
    assert page.title() != "owned" and fits(page)
    shots.take(page, "home", phone=True)

    page.get_by_role("link", name="Contact us").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact us")
    with page.expect_response(re.compile(r"/contact/suggestions\?subject=")):
        page.get_by_label("Subject").press_sequentially("printer jams", delay=30)
    suggestions = page.locator("#suggestions")
    expect(suggestions.get_by_role("link", name=re.compile("Printer jams on every page"))).to_be_visible()
    shots.take(page, "contact-with-suggestions", phone=True)

    page.get_by_label("Your name").fill(f"Ann {LONG}")
    page.get_by_label("Your email").fill("ann@client.example")
    page.get_by_label("Message").fill(f"It jams on every page. {LONG} " * 5)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we received your request")
    expect(page.get_by_text("Its number is #1.")).to_be_visible()
    assert fits(page)
    shots.take(page, "sent", phone=True)

    ticket = Ticket.of(workspace).get()
    assert ticket.channel == Channel.WEB and ticket.subject == "printer jams"
    [ack] = sent_mail(app, to="ann@client.example")
    assert ack["Subject"] == "[#1] printer jams" and "support@acme.example" in ack["Reply-To"]

    # The visitor signs up, signs in by the emailed link, finds the request and answers from the portal.
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Sign up with your name and email").click()
    page.get_by_label("Your name").fill("Ann Lee")
    page.get_by_label("Your email").fill("ann@client.example")
    page.get_by_role("button", name="Sign up and confirm my email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(link_in(sent_mail(app, to="ann@client.example")[-1]))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")
    expect(page.get_by_text("Open", exact=True)).to_be_visible()
    shots.take(page, "my-requests", phone=True)
    page.get_by_role("link", name="#1 printer jams").click()
    page.get_by_label("Your answer").fill(f"Here is more: it also smokes. {LONG}")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer was added to request #1.")).to_be_visible()
    assert fits(page)
    shots.take(page, "request-answered", phone=True)

    # Another visitor: the suggested article answers the question, nothing is sent.
    other = new_page()
    other.goto(f"/h/{workspace.slug}/contact")
    with other.expect_response(re.compile(r"/contact/suggestions")):
        other.get_by_label("Subject").press_sequentially("drivers", delay=30)
    other.get_by_role("button", name="This answered my question").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Glad that answered your question")
    assert ArticleAnswered.of(workspace).count() == 1 and Ticket.of(workspace).count() == 1

    agent = new_page(expected_errors=[r"422 \(UNPROCESSABLE"])  # the refused colour, on purpose
    agent.set_viewport_size(LAPTOP)
    sign_in(agent, owner.user)
    agent.goto(f"/w/{workspace.slug}/tickets/?view=all")
    agent.get_by_role("link", name="printer jams").click()
    expect(agent.get_by_text("Here is more: it also smokes.")).to_be_visible()
    agent.goto(f"/w/{workspace.slug}/help-center/")
    expect(agent.get_by_text("said 1 time that a suggested article answered")).to_be_visible()
    agent.get_by_label("Accent colour").fill("#ffee00")
    agent.get_by_role("button", name="Save help center settings").click()
    expect(agent.get_by_text("Pick a darker colour")).to_be_visible()
    shots.take(agent, "settings-refused-colour", phone=True)
