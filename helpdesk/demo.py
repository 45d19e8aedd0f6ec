"""The demo workspace that `make run` creates: slug `demo`, an owner and an agent."""
from flask import current_app

from datetime import timedelta

from helpdesk.accounts.services import create_user, find_user
from helpdesk.billing.models import Plan
from helpdesk.billing.services import create_plan, subscribe
from helpdesk.core.clock import utcnow
from helpdesk.customers.services import find_or_create_customer
from helpdesk.extensions import db
from helpdesk.knowledge.samples import seed_sample_articles
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Channel, Status
from helpdesk.workspaces.models import Membership, Role, Workspace
from helpdesk.workspaces.services import create_workspace

DEMO_LOGINS = [
    ("owner", "owner@demo.example", "demo-owner-pass"),
    ("agent", "agent@demo.example", "demo-agent-pass"),
]


def seed_demo():
    """Create the demo workspace and its people unless they exist. Returns True when created."""
    if Workspace.get_or_none(Workspace.slug == "demo"):
        return False
    now = utcnow()
    terms = current_app.config["TERMS_VERSION"]
    with db.database.atomic():
        owner = find_user("owner@demo.example") or create_user(
            "Olivia Owner", "owner@demo.example", "demo-owner-pass", now=now, terms_version=terms, verified=True)
        agent = find_user("agent@demo.example") or create_user(
            "Arthur Agent", "agent@demo.example", "demo-agent-pass", now=now, terms_version=terms, verified=True)
        workspace, _ = create_workspace(owner, "Demo", now=now, trial_days=current_app.config["TRIAL_DAYS"])
        subscribe(workspace, find_or_create_demo_plan(now))
        Membership.create(workspace=workspace, user=agent, role=Role.AGENT, created_at=now)
        seed_sample_tickets(workspace, owner, agent, now)
        seed_sample_articles(workspace, Membership.of(workspace).where(Membership.user == owner).get(), now)
    return True


def find_or_create_demo_plan(now):
    """The demo's one plan: 15.00 EUR per seat per month, 10 % off for 12 months (bank transfer allowed)."""
    return Plan.get_or_none(Plan.name == "Team") or create_plan(
        {"name": "Team", "price_per_seat": 1500, "discount_12": 1000}, now=now)


SAMPLES = [
    ("maria@example.org", "Maria Garcia", "Cannot log in after password change",
     "Hello, since I changed my password yesterday the app says my credentials are wrong. Can you help?"),
    ("tom@example.net", "Tom Becker", "Invoice for October",
     "Could you send me the invoice for October again? I cannot find it in my mailbox."),
    ("li@example.com", "Li Wei", "Feature idea: dark mode", "Any plans for a dark mode? My eyes would thank you."),
    ("maria@example.org", "Maria Garcia", "Export to CSV", "Is there a way to export all my orders to CSV?"),
]


def seed_sample_tickets(workspace, owner, agent, now):
    """A few tickets in different states, a reply, a note, tags and a canned reply."""
    made = []
    for hours_ago, (email, name, subject, body) in zip((30, 20, 6, 2), SAMPLES):
        customer = find_or_create_customer(workspace, email, name, now=now)
        made.append(tickets.open_ticket(workspace, customer, subject, body, now=now - timedelta(hours=hours_ago),
                                        channel=Channel.EMAIL))
    login, invoice, dark_mode, _export = made
    tickets.assign(login, owner, agent.id, now=now - timedelta(hours=19))
    tickets.add_note(login, agent, "Probably the old session cookie; asked for a screenshot.", now=now)
    tickets.set_tags(invoice, owner, ["billing"], now=now)
    tickets.change_status(invoice, owner, Status.SOLVED, now=now - timedelta(hours=1))
    tickets.set_tags(dark_mode, owner, ["feature-request"], now=now)
    tickets.save_canned_reply(workspace, "Thanks, we are on it",
                              "Hello {{customer.name}},\n\nthank you for writing. We are looking into ticket "
                              "#{{ticket.number}} and will come back to you today.\n\n{{agent.name}}")
