"""A person signs up, confirms the email, signs in, invites an agent; the agent joins."""
import re

from playwright.sync_api import expect

from tests.conftest import link_in, sent_mail


def test_signup_verify_signin_invite_and_join(app, new_page, shots):
    owner = new_page()
    owner.goto("/")
    shots.take(owner, "landing", phone=True)
    owner.get_by_role("link", name="Start your free trial").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Start your free trial")
    owner.get_by_label("Your name").fill("Ann Lee")
    owner.get_by_label("Email").fill("ann@acme.example")
    owner.get_by_label("Password").fill("a long enough password")
    owner.get_by_label("Workspace name").fill("Acme Support")
    owner.get_by_label("I am 18 years old or older").check()
    owner.get_by_label("I accept the terms of service").check()
    shots.take(owner, "signup-filled", phone=True)
    owner.get_by_role("button", name="Create my workspace").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Check your email")
    shots.take(owner, "check-email")

    (verification,) = sent_mail(app, to="ann@acme.example")
    owner.goto(link_in(verification))
    expect(owner.get_by_text("Your email address is confirmed")).to_be_visible()
    expect(owner.get_by_label("Email")).to_have_value("ann@acme.example")
    owner.get_by_label("Password").fill("a long enough password")
    shots.take(owner, "signin", phone=True)
    owner.get_by_role("button", name="Sign in").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("All open")
    expect(owner.locator("summary", has_text="Acme Support")).to_be_visible()
    shots.take(owner, "workspace-home", phone=True)

    owner.get_by_role("link", name="Members").first.click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Members of Acme Support")
    owner.get_by_label("Email address").fill("bob@acme.example")
    owner.get_by_label("Role").select_option("agent")
    owner.get_by_role("button", name="Send invitation").click()
    expect(owner.get_by_text("Invitation sent to bob@acme.example")).to_be_visible()
    expect(owner.get_by_text(re.compile(r"bob@acme\.example · Agent · expires"))).to_be_visible()
    shots.take(owner, "members", phone=True)

    (invitation,) = sent_mail(app, to="bob@acme.example")
    agent = new_page()
    agent.goto(link_in(invitation))
    expect(agent.get_by_role("heading", level=1)).to_have_text("Join Acme Support")
    agent.get_by_label("Your name").fill("Bob Agent")
    agent.get_by_label("Password").fill("bob's long password")
    agent.get_by_label("I am 18 years old or older").check()
    agent.get_by_label("I accept the terms of service").check()
    shots.take(agent, "accept-invitation")
    agent.get_by_role("button", name="Create my account and join").click()
    expect(agent.get_by_text("Welcome to Acme Support!")).to_be_visible()
    expect(agent.get_by_role("heading", level=1)).to_have_text("All open")
    shots.take(agent, "agent-home")

    owner.reload()
    expect(owner.get_by_role("cell", name="bob@acme.example")).to_be_visible()
    expect(owner.get_by_text("No pending invitations.")).to_be_visible()
