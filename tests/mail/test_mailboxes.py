"""Mailbox admin (R22, R25, R34, R40) and "Test connection" against real servers, in plain words."""
import re

import pytest

from helpdesk.core import crypto
from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.extensions import db
from helpdesk.mail import services as mail
from helpdesk.mail.imap import Problem
from helpdesk.mail.models import BlockedSender, Mailbox
from helpdesk.workspaces.models import Role, Workspace
from tests.conftest import csrf_token, post, sign_in
from tests.factories import add_member, make_workspace
from tests.servers import free_port


@pytest.fixture
def desk(client):
    workspace = make_workspace(name="Acme")
    sign_in(client, workspace.membership_set.get().user)
    return workspace


def form_data(dovecot, account, smtp_server, **overrides):
    return {
        "address": account.email, "display_name": "Acme Support",
        "imap_host": dovecot.host, "imap_port": str(dovecot.port), "imap_security": "none",
        "imap_username": account.email, "imap_password": account.password, "imap_folder": "INBOX",
        "sent_folder": "", "smtp_host": smtp_server.host, "smtp_port": str(smtp_server.port),
        "smtp_security": "none", "smtp_username": "", "smtp_password": "", **overrides,
    }


def raw_column(mailbox_id, column):
    return db.database.execute_sql(f"SELECT {column} FROM mailbox WHERE id = {int(mailbox_id)}").fetchone()[0]


def test_r22_an_admin_adds_a_mailbox_with_a_password(client, desk, dovecot, imap_account, smtp_server):
    response = post(client, f"/w/{desk.slug}/mailboxes/new", form_data(dovecot, imap_account, smtp_server))
    assert response.status_code == 302, response.get_data(as_text=True)
    mailbox = Mailbox.of(desk).get()
    assert mailbox.address == imap_account.email and mailbox.is_default
    assert mailbox.smtp_username == imap_account.email  # empty: the IMAP user name
    page = client.get(f"/w/{desk.slug}/mailboxes/").get_data(as_text=True)
    assert imap_account.email in page and "default" in page
    assert AuditEntry.select().where(AuditEntry.action == "mailbox_added").count() == 1


def test_r34_passwords_are_encrypted_at_rest_and_never_shown_back(app, client, desk, dovecot, imap_account,
                                                                  smtp_server):
    post(client, f"/w/{desk.slug}/mailboxes/new", form_data(dovecot, imap_account, smtp_server))
    mailbox = Mailbox.of(desk).get()
    for column in ("imap_password", "smtp_password"):
        stored = raw_column(mailbox.id, column)
        assert imap_account.password not in stored
        with app.app_context():
            assert crypto.decrypt(stored) == imap_account.password
    page = client.get(f"/w/{desk.slug}/mailboxes/{mailbox.id}").get_data(as_text=True)
    assert imap_account.password not in page and raw_column(mailbox.id, "imap_password") not in page
    assert 'name="imap_password"' in page and re.search(r'name="imap_password"[^>]*value="[^"]', page) is None
    # Saving with empty password fields keeps the stored ones.
    response = post(client, f"/w/{desk.slug}/mailboxes/{mailbox.id}",
                    form_data(dovecot, imap_account, smtp_server, imap_password="", display_name="Help"))
    assert response.status_code == 302
    with app.app_context():
        assert crypto.decrypt(raw_column(mailbox.id, "imap_password")) == imap_account.password
    assert Mailbox.get_by_id(mailbox.id).display_name == "Help"


def test_r22_test_connection_says_it_works(client, desk, dovecot, imap_account, smtp_server):
    dovecot.deliver(imap_account.email, b"From: a@b.example\r\nSubject: x\r\n\r\nhi\r\n")
    response = post(client, f"/w/{desk.slug}/mailboxes/test", form_data(dovecot, imap_account, smtp_server),
                    headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.strip().startswith('<div id="connection-test"')
    assert "INBOX&#34; holds 1 message." in html and "ready to send as" in html
    assert Mailbox.select().count() == 0  # testing saves nothing


def _test(dovecot, account, smtp_server, now=None, **overrides):
    candidate = mail.build_mailbox(None, {k: v for k, v in form_data(dovecot, account, smtp_server,
                                                                     **overrides).items()})
    return mail.test_connection(candidate, now=now or utcnow(), timeout=5)


def test_test_connection_wrong_password(app_context, dovecot, imap_account, smtp_server):
    [(ok, what, words), _smtp] = _test(dovecot, imap_account, smtp_server, imap_password="not-it")
    assert not ok and what == "IMAP"
    assert words.startswith("Wrong user name or password")


def test_test_connection_tls_problem_with_a_self_signed_certificate(app_context, dovecot, imap_account,
                                                                    smtp_server):
    [(ok, _, words), _smtp] = _test(dovecot, imap_account, smtp_server, imap_port=str(dovecot.ssl_port),
                                    imap_security="ssl")
    assert not ok
    assert words.startswith("TLS problem: the certificate of 127.0.0.1")
    assert "self-signed" in words or "self signed" in words


def test_test_connection_tls_on_a_plaintext_port(app_context, dovecot, imap_account, smtp_server):
    [(ok, _, words), _smtp] = _test(dovecot, imap_account, smtp_server, imap_security="ssl")
    assert not ok and words.startswith("TLS problem")


def test_test_connection_host_unreachable(app_context, dovecot, imap_account, smtp_server):
    [(ok, _, words), (smtp_ok, _, smtp_words)] = _test(dovecot, imap_account, smtp_server,
                                                       imap_port=str(free_port()), smtp_port=str(free_port()))
    assert not ok and words.startswith("Host unreachable") and "refused the connection" in words
    assert not smtp_ok and smtp_words.startswith("Host unreachable")


def test_test_connection_unknown_host(app_context, dovecot, imap_account, smtp_server):
    [(ok, _, words), _smtp] = _test(dovecot, imap_account, smtp_server, imap_host="no-such-host.invalid")
    assert not ok and words.startswith("Host unreachable: the name no-such-host.invalid was not found")


def test_test_connection_folder_missing(app_context, dovecot, imap_account, smtp_server):
    [(ok, _, words), (smtp_ok, _, _)] = _test(dovecot, imap_account, smtp_server, imap_folder="Support")
    assert not ok and words.startswith('Folder missing') and '"Support"' in words
    assert smtp_ok


def test_test_connection_smtp_requires_starttls(app_context, dovecot, imap_account, smtp_server):
    [_imap, (ok, what, words)] = _test(dovecot, imap_account, smtp_server, smtp_security="starttls")
    assert not ok and what == "SMTP" and "does not offer STARTTLS" in words


def test_problem_kinds_are_machine_readable(app_context, dovecot, imap_account):
    from helpdesk.mail.imap import ImapClient, MailConnectionError

    with pytest.raises(MailConnectionError) as caught:
        with ImapClient(dovecot.host, dovecot.port, "none", timeout=5).connect() as client:
            client.login(imap_account.email, "wrong")
    assert caught.value.problem == Problem.AUTH


def test_r25_removing_asks_first_then_erases_credentials(client, desk, dovecot, imap_account, smtp_server):
    post(client, f"/w/{desk.slug}/mailboxes/new", form_data(dovecot, imap_account, smtp_server))
    mailbox = Mailbox.of(desk).get()
    page = client.get(f"/w/{desk.slug}/mailboxes/{mailbox.id}/remove").get_data(as_text=True)
    assert f"Remove {mailbox.address}?" in page and "erased" in page
    assert Mailbox.select().count() == 1  # asking removes nothing
    response = post(client, f"/w/{desk.slug}/mailboxes/{mailbox.id}/remove")
    assert response.status_code == 302
    assert Mailbox.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "mailbox_removed").count() == 1


def test_removing_the_default_mailbox_makes_another_the_default(app_context):
    workspace = make_workspace()
    owner = workspace.membership_set.get()
    data = {"imap_host": "imap.x.example", "smtp_host": "smtp.x.example", "imap_password": "pw",
            "imap_security": "ssl", "smtp_security": "ssl", "imap_port": 993, "smtp_port": 465}
    first = mail.add_mailbox(workspace, owner, {"address": "a@x.example", **data}, now=utcnow())
    second = mail.add_mailbox(workspace, owner, {"address": "b@x.example", **data}, now=utcnow())
    assert first.is_default and not second.is_default
    mail.remove_mailbox(workspace, owner, first.id, now=utcnow())
    assert Mailbox.get_by_id(second.id).is_default
    with pytest.raises(mail.MailError, match="already a mailbox"):
        mail.add_mailbox(workspace, owner, {"address": "B@x.example", **data}, now=utcnow())


def test_agents_cannot_see_mailboxes(client, app):
    workspace = make_workspace()
    agent = add_member(workspace, role=Role.AGENT).user
    sign_in(client, agent)
    assert client.get(f"/w/{workspace.slug}/mailboxes/").status_code == 403
    assert 'mailboxes/"' not in client.get(f"/w/{workspace.slug}/members").get_data(as_text=True)


def test_r28_remote_images_setting_and_blocked_senders(client, desk):
    page = client.get(f"/w/{desk.slug}/mailboxes/").get_data(as_text=True)
    assert 'id="load_remote_images"' in page and 'for="load_remote_images"' in page
    response = post(client, f"/w/{desk.slug}/mailboxes/settings",
                    {"load_remote_images": "y", "blocked_senders": "spam@x.example\n@junk.example"})
    assert response.status_code == 302
    assert Workspace.get_by_id(desk.id).load_remote_images is True
    assert sorted(b.pattern for b in BlockedSender.of(desk)) == ["@junk.example", "spam@x.example"]
    bad = post(client, f"/w/{desk.slug}/mailboxes/settings", {"blocked_senders": "not an address"})
    assert bad.status_code == 422 and "neither an address" in bad.get_data(as_text=True)
    post(client, f"/w/{desk.slug}/mailboxes/settings", {"blocked_senders": "@junk.example"})
    assert Workspace.get_by_id(desk.id).load_remote_images is False
    assert [b.pattern for b in BlockedSender.of(desk)] == ["@junk.example"]


def test_mail_pages_have_one_h1_and_labelled_inputs(client, desk, dovecot, imap_account, smtp_server):
    post(client, f"/w/{desk.slug}/mailboxes/new", form_data(dovecot, imap_account, smtp_server))
    mailbox = Mailbox.of(desk).get()
    for path in ("/mailboxes/", "/mailboxes/new", f"/mailboxes/{mailbox.id}", f"/mailboxes/{mailbox.id}/remove",
                 "/mailboxes/log"):
        page = client.get(f"/w/{desk.slug}{path}").get_data(as_text=True)
        assert page.count("<h1") == 1, path
        visible = re.findall(r'<(?:input(?![^>]*type="hidden")|select|textarea)[^>]*\bid="([^"]+)"', page)
        for input_id in visible:
            assert f'for="{input_id}"' in page, f"{path}: input {input_id} has no label"


def test_r13_a_read_only_workspace_cannot_add_mailboxes(client, desk, dovecot, imap_account, smtp_server):
    Workspace.update(status=Workspace.LAPSED).where(Workspace.id == desk.id).execute()
    post(client, f"/w/{desk.slug}/mailboxes/new", form_data(dovecot, imap_account, smtp_server))
    assert Mailbox.select().count() == 0
    assert client.get(f"/w/{desk.slug}/mailboxes/").status_code == 200  # reading still works


def test_new_mailbox_without_a_password_is_refused(client, desk, dovecot, imap_account, smtp_server):
    response = post(client, f"/w/{desk.slug}/mailboxes/new",
                    form_data(dovecot, imap_account, smtp_server, imap_password=""))
    assert response.status_code == 422 and "Give the mailbox password." in response.get_data(as_text=True)
    assert csrf_token(client)
