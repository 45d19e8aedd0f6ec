"""Plain `make_*` functions that build test data through the real services."""
import itertools
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from helpdesk.accounts.services import create_user
from helpdesk.core.clock import utcnow
from helpdesk.mail.services import add_mailbox
from helpdesk.workspaces.models import Membership, Role
from helpdesk.workspaces.services import create_workspace

DEFAULT_PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_user(name=None, email=None, password=DEFAULT_PASSWORD, verified=True, now=None):
    number = next(_numbers)
    return create_user(name or f"Person {number}", email or f"person{number}@company{number}.example", password,
                       now=now or utcnow(), terms_version="test", verified=verified)


def make_workspace(owner=None, name=None, now=None, trial_days=14):
    owner = owner or make_user()
    workspace, _ = create_workspace(owner, name or f"Team {next(_numbers)}", now=now or utcnow(),
                                    trial_days=trial_days)
    return workspace


def owner_of(workspace):
    """The owner's membership of `workspace`."""
    return Membership.of(workspace).where(Membership.role == Role.OWNER).get()


def add_member(workspace, user=None, role=Role.AGENT):
    user = user or make_user()
    return Membership.create(workspace=workspace, user=user, role=role)


def make_customer(workspace, email=None, name=None):
    from helpdesk.customers.services import find_or_create_customer

    number = next(_numbers)
    return find_or_create_customer(workspace, email or f"customer{number}@client{number}.example",
                                   name if name is not None else f"Customer {number}", now=utcnow())


def make_ticket(workspace, customer=None, subject=None, body="Hello, I need help.", now=None, **kwargs):
    from helpdesk.tickets.services import open_ticket

    customer = customer or make_customer(workspace)
    return open_ticket(workspace, customer, subject or f"Question {next(_numbers)}", body, now=now or utcnow(),
                       **kwargs)


def customer_mail(subject="Printer broken", body="It jams on every page.\n", sender="Ann Lee <ann@client.example>",
                  to="support@acme.example", message_id=None, html=None, inline_png=None, **headers):
    """An email as a customer's mail program writes it; extra headers by keyword (`In_Reply_To=...`)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate()
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
        if inline_png:
            message.get_payload()[1].add_related(inline_png, maintype="image", subtype="png",
                                                 cid="<logo@client.example>", filename="logo.png")
    return message


def add_dovecot_mailbox(workspace, dovecot, account, smtp_server=None, **overrides):
    """A mailbox of `workspace` on the test Dovecot (plain IMAP) and, when given, the test SMTP server."""
    data = {
        "address": account.email, "imap_host": dovecot.host, "imap_port": dovecot.port, "imap_security": "none",
        "imap_username": account.email, "imap_password": account.password, "imap_folder": "INBOX",
        "smtp_host": smtp_server.host if smtp_server else "127.0.0.1",
        "smtp_port": smtp_server.port if smtp_server else 1, "smtp_security": "none",
        **overrides,
    }
    return add_mailbox(workspace, workspace.membership_set.get(), data, now=utcnow())
