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


def csrf_of(html):
    return form_fields(html)["csrf_token"]


def mailed_path(app, to):
    """The path of the link in the last mail sent to `to` (the test client's host is BASE_URL's)."""
    from tests.conftest import link_in, sent_mail

    return link_in(sent_mail(app, to=to)[-1]).replace("http://localhost", "")


def ask_link(app, client, workspace, email="ann@client.example"):
    """Ask the sign-in page for a link; the path of the link mailed."""
    page = client.get(f"/h/{workspace.slug}/signin").get_data(as_text=True)
    response = client.post(f"/h/{workspace.slug}/signin", data={"email": email, **form_fields(page)})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    return mailed_path(app, email.lower())


def sign_up(app, client, workspace, email="ann@client.example", name="Ann Lee"):
    """Fill the sign-up form; the path of the confirmation link mailed."""
    page = client.get(f"/h/{workspace.slug}/signup").get_data(as_text=True)
    response = client.post(f"/h/{workspace.slug}/signup", data={"name": name, "email": email, **form_fields(page)})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    return mailed_path(app, email.lower())


def use_link(client, path):
    """Open an emailed link and press its button, as a person does."""
    return client.post(path, data=form_fields(client.get(path).get_data(as_text=True)))


def signed_in(app, client, workspace, email="ann@client.example", name="Ann Lee"):
    """Sign up (or, with an account, ask for a link) and open the link: the signed-in EndUser."""
    from helpdesk.helpcenter.models import EndUser

    known = EndUser.of(workspace).where(EndUser.email == email).exists()
    path = ask_link(app, client, workspace, email) if known else sign_up(app, client, workspace, email, name)
    response = use_link(client, path)
    assert response.status_code == 302 and response.location.endswith("/requests/")
    return EndUser.of(workspace).where(EndUser.email == email).get()
