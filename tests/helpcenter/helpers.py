"""Help-center test helpers: fill and send public forms as a visitor's browser does."""
import re

from helpdesk.mail.models import Mailbox


def form_fields(html):
    """The hidden fields (CSRF token, the shown stamp) of the first form on a page."""
    return dict(re.findall(r'<input[^>]*name="(csrf_token|shown)"[^>]*value="([^"]*)"', html))


def send_contact(client, workspace, **data):
    page = client.get(f"/h/{workspace.slug}/contact").get_data(as_text=True)
    fields = {"name": "Ann Lee", "email": "ann@client.example", "subject": "Printer broken",
              "message": "It jams on every page.", **form_fields(page), **data}
    return client.post(f"/h/{workspace.slug}/contact", data=fields, content_type="multipart/form-data")


def add_plain_mailbox(workspace, address="support@acme.example"):
    """A mailbox row (never fetched in these tests): where customers' answers go."""
    return Mailbox.create(workspace=workspace, address=address, display_name="Acme Support", is_default=True,
                          imap_host="imap.acme.example", smtp_host="smtp.acme.example")
