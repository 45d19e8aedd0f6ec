"""Real IMAP and SMTP servers for tests, as pytest fixtures.

- ``dovecot`` (session scope): a throwaway Dovecot with a plaintext IMAP listener and
  an IMAPS listener whose certificate is self-signed (so "TLS problem" detection can be
  tested: verifying clients fail, unverified ones log in). ``imap_account`` gives each
  test its own user.
- ``smtp_server`` (function scope): an aiosmtpd server that records what it receives,
  accepts any AUTH PLAIN/LOGIN credentials, and can answer DATA with scripted codes.

Use it as a plugin (``pytest_plugins = ['tests.servers']``) or import the fixtures into
a conftest (``from tests.servers import *``). A missing ``dovecot`` binary skips the
tests that need it, unless ``REQUIRE_SERVICES=1`` (CI), where it fails them.

Note for client code: ``imaplib.IMAP4_SSL`` (and imap_tools' ``MailBox``) do **not**
verify certificates unless given ``ssl_context=ssl.create_default_context()``.
"""
from __future__ import annotations

import datetime
import email
import imaplib
import itertools
import logging
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path
from typing import NamedTuple

import pytest

__all__ = [
    'free_port', 'require_service',
    'dovecot', 'imap_account', 'smtp_server',
    'DovecotServer', 'ImapAccount',
    'RecordingSMTPHandler', 'ReceivedMessage', 'SMTPLogin', 'SMTPTestServer',
]

HOST = '127.0.0.1'


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def require_service(name: str, why: str) -> None:
    """Skip the current test because service ``name`` is unavailable (``why``).

    With ``REQUIRE_SERVICES=1`` in the environment (CI) it fails instead, so a missing
    service cannot silently turn a suite green.
    """
    message = f'{name} is not available: {why}'
    if os.environ.get('REQUIRE_SERVICES') == '1':
        pytest.fail(f'{message} (REQUIRE_SERVICES=1)', pytrace=False)
    pytest.skip(message)


def _wait_for_port(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.02)
    return False


# --------------------------------------------------------------------------- IMAP


class ImapAccount(NamedTuple):
    """A Dovecot user made for one test; unpacks as ``email, password``."""
    email: str
    password: str


def _self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """Write a fresh self-signed certificate for localhost/127.0.0.1; return (cert, key)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())  # EC: generated in ~1 ms, RSA is slower
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / 'cert.pem', directory / 'key.pem'
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def _quote_mailbox(name: str) -> str:
    """Quote a folder name for imaplib, which sends arguments verbatim."""
    from imap_tools.imap_utf7 import utf7_encode

    encoded = utf7_encode(name).decode('ascii')
    return '"' + encoded.replace('\\', '\\\\').replace('"', '\\"') + '"'


def _make_traversable(path: Path) -> None:
    """Let other users pass through ``path`` and its ancestors (execute bit only).

    Dovecot's imap processes run as ``nobody`` when we are root, and pytest's temp
    dirs are 0700; without this, logins fail with "Permission denied" on the mail dir.
    Only the search bit is added, so directory listings stay private.
    """
    uid = os.geteuid()
    for p in (path, *path.parents):
        st = p.stat()
        if st.st_mode & 0o001:
            break  # everything above is someone else's choice (e.g. /tmp is 1777)
        if st.st_uid == uid:
            p.chmod(st.st_mode | 0o011)


class DovecotServer:
    """A running throwaway Dovecot; made by the ``dovecot`` fixture.

    Attributes: ``host``, ``port`` (plaintext IMAP), ``ssl_port`` (IMAPS, self-signed),
    ``cert_path`` (the certificate, to build a context that trusts it), ``directory``
    (config, logs and mail), ``log_path``.
    """

    def __init__(self, directory: Path):
        self.host = HOST
        self.directory = directory
        self.config_path = directory / 'dovecot.conf'
        self.log_path = directory / 'dovecot.log'
        self.passwd_dir = directory / 'passwd.d'
        self.port = 0
        self.ssl_port = 0
        self.cert_path: Path | None = None
        self._passwords: dict[str, str] = {}
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    # -- lifecycle -----------------------------------------------------------------

    def _write_config(self) -> None:
        d = self.directory
        for sub in ('run', 'state'):
            (d / sub).mkdir(exist_ok=True)
        mail = d / 'mail'
        mail.mkdir(exist_ok=True)
        self.cert_path, key_path = _self_signed_cert(d)
        self.passwd_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            # Dovecot refuses uid 0 for mail users; nobody needs a world-writable mail root.
            mail.chmod(0o1777)
            _make_traversable(d)
            identity = 'uid=nobody gid=nogroup'
            unprivileged = ''
        else:
            # Unprivileged run: every Dovecot process runs as us, and nothing chroots.
            import grp
            import pwd
            user = pwd.getpwuid(os.geteuid()).pw_name
            group = grp.getgrgid(os.getegid()).gr_name
            identity = f'uid={os.geteuid()} gid={os.getegid()}'
            unprivileged = (
                f'default_internal_user = {user}\n'
                f'default_internal_group = {group}\n'
                f'default_login_user = {user}\n'
                'service anvil {\n  chroot =\n}\n'
                'service imap-login {\n  chroot =\n}\n'
            )
        self.config_path.write_text(f"""\
# Throwaway Dovecot for tests; everything lives under {d}.
protocols = imap
listen = {HOST}
base_dir = {d}/run
state_dir = {d}/state
log_path = {self.log_path}
ssl = yes
ssl_cert = <{self.cert_path}
ssl_key = <{key_path}
# Plaintext logins on the non-TLS port are the point of this server.
disable_plaintext_auth = no
auth_mechanisms = plain login
# A failed login answers at the next 0.5 s tick of the auth process instead of after
# the default 2 s (Dovecot 2.3 has no way to answer failures at once).
auth_failure_delay = 0
mail_location = maildir:{mail}/%u
mail_fsync = never
mail_max_userip_connections = 100
passdb {{
  driver = passwd-file
  # One file per user: Dovecot stats a passwd file at most once a second, so a user
  # appended to a shared file could not log in right away. A new file is read at once.
  args = scheme=PLAIN username_format=%u {self.passwd_dir}/%u
}}
userdb {{
  driver = static
  args = {identity} home={mail}/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox Drafts {{
    special_use = \\Drafts
  }}
  mailbox Trash {{
    special_use = \\Trash
  }}
  mailbox Junk {{
    special_use = \\Junk
  }}
}}
# No auth penalty socket: anvil's per-IP penalty (2 s up to 15 s per failed login,
# all tests share 127.0.0.1) would make every wrong-password test slow down the rest.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self.ssl_port}
    ssl = yes
  }}
}}
{unprivileged}""")

    def start(self, attempts: int = 3) -> None:
        """Start Dovecot in the foreground and wait until both listeners accept."""
        for attempt in range(attempts):
            self.port, self.ssl_port = free_port(), free_port()
            self._write_config()
            self._process = subprocess.Popen(
                ['dovecot', '-F', '-c', str(self.config_path)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 10
            if _wait_for_port(self.port, deadline) and _wait_for_port(self.ssl_port, deadline):
                if self._process.poll() is None:
                    return
            output = self._stop_process()
            log = self.log_text() + output
            # Another process may have taken a port between free_port() and bind().
            if 'Address already in use' not in log or attempt == attempts - 1:
                raise RuntimeError(f'Dovecot did not start:\n{log}')

    def _stop_process(self) -> str:
        process, self._process = self._process, None
        if process is None:
            return ''
        if process.poll() is None:
            process.terminate()  # graceful: the master stops its children (~1 s)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        out = process.stdout.read() if process.stdout else b''
        if process.stdout:
            process.stdout.close()
        return out.decode(errors='replace')

    def stop(self) -> None:
        """Stop Dovecot and wait for the master process to exit (so ports are free)."""
        self._stop_process()

    def log_text(self) -> str:
        """Dovecot's log so far (handy in assertion messages)."""
        try:
            return self.log_path.read_text(errors='replace')
        except FileNotFoundError:
            return ''

    # -- users ---------------------------------------------------------------------

    def add_user(self, email: str, password: str) -> None:
        """Create a mail user (its own passwd file); it can log in at once."""
        if (not email or not password or any(c in email + password for c in ':\r\n')
                or '/' in email or email.startswith('.')):
            raise ValueError('user and password must be non-empty, without ":" or newlines;'
                             ' the user also without "/" or a leading "." (it names a file)')
        with self._lock:
            if email in self._passwords:
                # Dovecot caches a passwd file and stats it at most once a second, so a
                # changed password could be ignored for a while: no password changes.
                raise ValueError(f'user {email} already exists')
            self._passwords[email] = password
            path = self.passwd_dir / email
            tmp = path.with_name(path.name + '.tmp')
            tmp.write_text(f'{email}:{{PLAIN}}{password}\n')
            os.replace(tmp, path)  # atomic: Dovecot never reads half a file

    def password(self, user: str) -> str:
        """The password given to ``add_user`` for ``user``."""
        return self._passwords[user]

    def connect(self, user: str, password: str | None = None) -> imaplib.IMAP4:
        """A logged-in plaintext ``imaplib`` connection; the caller logs out."""
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            conn.login(user, password if password is not None else self.password(user))
        except Exception:
            conn.shutdown()
            raise
        return conn

    # -- mail ----------------------------------------------------------------------

    def deliver(self, user: str, raw_bytes: bytes | Message, folder: str = 'INBOX',
                flags: str = '') -> int:
        """Append a message to ``folder`` (created if missing) over IMAP; return its UID.

        Going through IMAP APPEND (not writing maildir files) means UIDs and UIDVALIDITY
        are the ones any client sees. ``flags`` is e.g. ``'\\\\Seen'``.
        """
        if isinstance(raw_bytes, Message):
            raw_bytes = raw_bytes.as_bytes(policy=policy.SMTP)
        conn = self.connect(user)
        try:
            box = _quote_mailbox(folder)
            if folder.upper() != 'INBOX':
                conn.create(box)  # "already exists" is a NO, which is fine
            typ, data = conn.append(box, f'({flags})' if flags else None, None, raw_bytes)
            if typ != 'OK':
                raise RuntimeError(f'APPEND to {folder!r} failed: {data!r}')
            match = re.search(rb'\[APPENDUID \d+ (\d+)\]', data[0] or b'')
            if not match:
                raise RuntimeError(f'no APPENDUID in {data!r}')
            return int(match.group(1))
        finally:
            conn.logout()

    def folder_messages(self, user: str, password: str | None = None,
                        folder: str = 'INBOX') -> list[bytes]:
        """Raw bytes (CRLF, as served) of every message in ``folder``, by UID.

        A folder that does not exist gives ``[]``. Reading does not set ``\\Seen``.
        """
        conn = self.connect(user, password)
        try:
            typ, data = conn.select(_quote_mailbox(folder), readonly=True)
            if typ != 'OK':
                return []
            typ, data = conn.uid('SEARCH', 'ALL')
            uids = data[0].split() if typ == 'OK' and data and data[0] else []
            if not uids:
                return []
            typ, data = conn.uid('FETCH', b','.join(uids).decode(), '(UID BODY.PEEK[])')
            found = []
            for item in data:
                if isinstance(item, tuple):
                    uid = int(re.search(rb'UID (\d+)', item[0]).group(1))
                    found.append((uid, item[1]))
            return [body for _, body in sorted(found)]
        finally:
            conn.logout()

    def uidvalidity(self, user: str, password: str | None = None,
                    folder: str = 'INBOX') -> int:
        """UIDVALIDITY of ``folder``."""
        conn = self.connect(user, password)
        try:
            typ, data = conn.status(_quote_mailbox(folder), '(UIDVALIDITY)')
            if typ != 'OK':
                raise RuntimeError(f'STATUS {folder!r} failed: {data!r}')
            return int(re.search(rb'UIDVALIDITY (\d+)', data[0]).group(1))
        finally:
            conn.logout()

    def _doveadm(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(['doveadm', '-c', str(self.config_path), *args],
                              capture_output=True, text=True, timeout=10)

    def kick(self, user: str) -> None:
        """Drop every open IMAP connection of ``user`` (the server says BYE and closes).

        Returns once Dovecot no longer lists the user, so the client's next command
        fails deterministically.
        """
        result = self._doveadm('kick', user)
        if result.returncode not in (0, 68):  # 68: nobody was connected
            raise RuntimeError(f'doveadm kick failed: {result.stderr or result.stdout}')
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            who = self._doveadm('who', user)
            if user not in who.stdout:
                return
            time.sleep(0.02)
        raise RuntimeError(f'{user} still connected after kick:\n{who.stdout}')


@pytest.fixture(scope='session')
def dovecot() -> DovecotServer:
    """A throwaway Dovecot for the whole session (start ~0.2 s, stop ~1 s).

    Plaintext IMAP on ``.port``, IMAPS with a self-signed certificate on ``.ssl_port``.
    Make users with ``add_user`` or, better, the ``imap_account`` fixture.
    """
    if shutil.which('dovecot') is None:
        require_service('dovecot', 'the dovecot binary is not installed (apt: dovecot-imapd)')
    # Not under pytest's basetemp: another pytest run on the machine resets /tmp/pytest-of-<user> to 0700,
    # which locks the dovecot user out of its passwd files mid-session ("Temporary authentication failure").
    folder = Path(tempfile.mkdtemp(prefix='dovecot-'))
    server = DovecotServer(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


_account_numbers = itertools.count(1)


@pytest.fixture
def imap_account(dovecot) -> ImapAccount:
    """A fresh Dovecot user ``user-<n>@example.test`` with a random password."""
    account = ImapAccount(f'user-{next(_account_numbers)}@example.test',
                          secrets.token_urlsafe(12))
    dovecot.add_user(*account)
    return account


# --------------------------------------------------------------------------- SMTP


@dataclass
class ReceivedMessage:
    """One message the SMTP server accepted."""
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    message: EmailMessage = field(repr=False)


class SMTPLogin(NamedTuple):
    """Credentials a client authenticated with; compares equal to a plain tuple."""
    username: str
    password: str


class RecordingSMTPHandler:
    """aiosmtpd handler: records accepted messages and logins; scripted DATA replies."""

    def __init__(self):
        self.messages: list[ReceivedMessage] = []
        self.logins: list[SMTPLogin] = []
        self._replies: deque[str] = deque()  # deque: popped on the server's thread

    def reply_with(self, replies: list[str]) -> None:
        """Answer the next DATA commands with ``replies`` in order, then 250 again.

        Only messages answered with a 2xx code are recorded in ``messages``.
        """
        for reply in replies:
            if not re.match(r'[2-5]\d\d[ -]', reply + ' '):
                raise ValueError(f'not an SMTP reply: {reply!r}')
        self._replies.extend(replies)

    async def handle_DATA(self, server, session, envelope) -> str:
        try:
            reply = self._replies.popleft()
        except IndexError:
            reply = '250 OK'
        if reply.startswith('2'):
            content = envelope.original_content or envelope.content
            self.messages.append(ReceivedMessage(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                content=content,
                # Parsed from LF line ends, so get_content() gives '\n' as sent, not '\r\n'.
                message=email.message_from_bytes(
                    content.replace(b'\r\n', b'\n'), policy=policy.default),
            ))
        return reply

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        """aiosmtpd authenticator: any credentials succeed, and are recorded."""
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            self.logins.append(SMTPLogin(
                auth_data.login.decode('utf-8', 'surrogateescape'),
                auth_data.password.decode('utf-8', 'surrogateescape')))
        return AuthResult(success=True)


class _DropLoginDataWarning(logging.Filter):
    """aiosmtpd 1.4 logs a deprecation warning of its own on every successful AUTH."""

    def filter(self, record: logging.LogRecord) -> bool:
        return 'login_data is deprecated' not in record.getMessage()


_aiosmtpd_log = logging.getLogger('mail.log')
_login_data_filter = _DropLoginDataWarning()


class SMTPTestServer:
    """A running aiosmtpd server; made by the ``smtp_server`` fixture."""

    def __init__(self):
        self.host = HOST
        self.port = 0
        self.handler = RecordingSMTPHandler()
        self.controller = None

    @property
    def messages(self) -> list[ReceivedMessage]:
        return self.handler.messages

    @property
    def logins(self) -> list[SMTPLogin]:
        return self.handler.logins

    def reply_with(self, replies: list[str]) -> None:
        self.handler.reply_with(replies)

    reply_with.__doc__ = RecordingSMTPHandler.reply_with.__doc__

    def start(self, attempts: int = 3) -> None:
        from aiosmtpd.controller import Controller

        _aiosmtpd_log.addFilter(_login_data_filter)  # idempotent
        for attempt in range(attempts):
            # Not port=0: Controller's readiness check would connect to port 0.
            self.port = free_port()
            self.controller = Controller(
                self.handler, hostname=HOST, port=self.port,
                authenticator=self.handler.authenticate,
                auth_require_tls=False,  # plain AUTH on a plaintext loopback socket
                enable_SMTPUTF8=True)
            try:
                self.controller.start()
                return
            except OSError:
                self.controller = None
                if attempt == attempts - 1:
                    raise

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> SMTPTestServer:
    """An SMTP server on a free loopback port, fresh for each test.

    ``.messages`` (accepted mail), ``.logins`` (AUTH credentials),
    ``.reply_with(['421 4.7.0 Try again later'])`` (scripted DATA replies).
    """
    server = SMTPTestServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
