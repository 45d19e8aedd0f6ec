"""Tests of the test servers themselves (tests/servers.py)."""
import imaplib
import smtplib
import ssl
from email.message import EmailMessage

import pytest
from imap_tools import MailBox, MailBoxUnencrypted

from tests.servers import free_port, require_service

# The fixtures come from tests/conftest.py, which imports them from tests/servers.py.


def make_message(subject='Printer broken', to='support@example.test'):
    msg = EmailMessage()
    msg['From'] = 'Ann <ann@example.test>'
    msg['To'] = to
    msg['Subject'] = subject
    msg['Message-ID'] = f'<{subject.replace(" ", "-")}@example.test>'
    msg.set_content('It jams on every page.\n')
    return msg


def test_require_service_skips_or_fails_in_ci(monkeypatch):
    monkeypatch.delenv('REQUIRE_SERVICES', raising=False)
    with pytest.raises(pytest.skip.Exception, match='dovecot is not available: gone'):
        require_service('dovecot', 'gone')
    monkeypatch.setenv('REQUIRE_SERVICES', '1')
    with pytest.raises(pytest.fail.Exception, match='REQUIRE_SERVICES=1'):
        require_service('dovecot', 'gone')


def test_free_port_is_bindable():
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', free_port()))


# ---------------------------------------------------------------------------- IMAP


def test_deliver_then_read_back_with_imap_tools(dovecot, imap_account):
    user, password = imap_account
    uid = dovecot.deliver(user, make_message().as_bytes())
    second = dovecot.deliver(user, make_message('Second'))

    with MailBoxUnencrypted(dovecot.host, port=dovecot.port).login(
            user, password, initial_folder='INBOX') as mb:
        msgs = list(mb.fetch(mark_seen=False))
        status = mb.folder.status('INBOX', ['UIDVALIDITY', 'UIDNEXT'])

    assert [m.uid for m in msgs] == [str(uid), str(second)]
    assert second > uid
    assert msgs[0].subject == 'Printer broken'
    assert msgs[0].from_ == 'ann@example.test'
    assert status['UIDVALIDITY'] == dovecot.uidvalidity(user, password) > 0
    assert status['UIDNEXT'] == second + 1


def test_accounts_are_isolated(dovecot, imap_account):
    user, password = imap_account
    assert dovecot.folder_messages(user, password, 'INBOX') == []


def test_folder_messages_returns_raw_bytes_of_a_folder(dovecot, imap_account):
    user, password = imap_account
    assert dovecot.folder_messages(user, password, 'Sent') == []  # no Sent folder yet
    dovecot.deliver(user, make_message('Reply one'), folder='Sent')
    dovecot.deliver(user, make_message('Reply two'), folder='Sent')

    raws = dovecot.folder_messages(user, password, 'Sent')
    assert len(raws) == 2
    assert b'Subject: Reply one\r\n' in raws[0] and b'Subject: Reply two\r\n' in raws[1]
    assert dovecot.folder_messages(user, password, 'INBOX') == []

    # Sent is advertised as the \Sent special-use folder, like on real servers.
    with MailBoxUnencrypted(dovecot.host, port=dovecot.port).login(user, password) as mb:
        flags = {f.name: f.flags for f in mb.folder.list()}
    assert '\\Sent' in flags['Sent']


def test_wrong_password_is_refused(dovecot, imap_account):
    user, _ = imap_account
    with pytest.raises(imaplib.IMAP4.error):
        dovecot.connect(user, 'wrong')


def test_kick_drops_a_live_connection(dovecot, imap_account):
    user, password = imap_account
    conn = imaplib.IMAP4(dovecot.host, dovecot.port, timeout=5)
    conn.login(user, password)
    conn.select('INBOX')
    assert conn.noop()[0] == 'OK'

    dovecot.kick(user)

    with pytest.raises((imaplib.IMAP4.abort, OSError)):
        conn.noop()
    conn.shutdown()
    dovecot.kick(user)  # kicking nobody is fine


def test_imaps_certificate_is_self_signed(dovecot, imap_account):
    user, password = imap_account
    with pytest.raises(ssl.SSLCertVerificationError) as excinfo:
        MailBox(dovecot.host, port=dovecot.ssl_port,
                ssl_context=ssl.create_default_context())
    assert excinfo.value.verify_message == 'self-signed certificate'

    unverified = ssl._create_unverified_context()
    with MailBox(dovecot.host, port=dovecot.ssl_port, ssl_context=unverified).login(
            user, password) as mb:
        assert mb.folder.get() == 'INBOX'

    # Trusting the fixture's certificate explicitly verifies fine.
    trusting = ssl.create_default_context(cafile=str(dovecot.cert_path))
    with MailBox(dovecot.host, port=dovecot.ssl_port, ssl_context=trusting).login(
            user, password):
        pass


# ---------------------------------------------------------------------------- SMTP


def test_smtp_records_message_and_login(smtp_server):
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as s:
        s.login('bot@example.test', 's3cret')
        s.send_message(make_message(), to_addrs=['support@example.test', 'cc@example.test'])

    assert smtp_server.logins == [('bot@example.test', 's3cret')]
    [received] = smtp_server.messages
    assert received.mail_from == 'ann@example.test'
    assert received.rcpt_tos == ['support@example.test', 'cc@example.test']
    assert b'Subject: Printer broken' in received.content
    assert received.message['Subject'] == 'Printer broken'
    assert received.message.get_content() == 'It jams on every page.\n'


def test_smtp_auth_login_mechanism(smtp_server):
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as s:
        s.ehlo()
        s.user, s.password = 'agent', 'pw'  # what smtplib's auth_login reads
        s.auth('LOGIN', s.auth_login, initial_response_ok=False)
    assert smtp_server.logins == [('agent', 'pw')]


def test_smtp_scripted_temporary_failure_then_success(smtp_server):
    smtp_server.reply_with(['421 4.7.0 Try again later', '250 OK'])

    with pytest.raises(smtplib.SMTPDataError) as excinfo:
        with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as s:
            s.send_message(make_message())
    assert isinstance(excinfo.value, smtplib.SMTPResponseException)
    assert excinfo.value.smtp_code == 421
    assert smtp_server.messages == []

    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as s:
        s.send_message(make_message())
        s.send_message(make_message('Third'))  # script used up: plain 250 again
    assert [m.message['Subject'] for m in smtp_server.messages] == ['Printer broken', 'Third']


def test_smtp_scripted_permanent_failure(smtp_server):
    smtp_server.reply_with(['550 5.1.1 Mailbox unavailable'])
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as s:
        with pytest.raises(smtplib.SMTPDataError) as excinfo:
            s.send_message(make_message())
    assert excinfo.value.smtp_code == 550
    assert b'Mailbox unavailable' in excinfo.value.smtp_error
    assert smtp_server.messages == []


def test_reply_with_rejects_garbage(smtp_server):
    with pytest.raises(ValueError):
        smtp_server.reply_with(['hello'])
