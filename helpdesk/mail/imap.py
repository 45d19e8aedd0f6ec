"""A small IMAP client over `imaplib`: connect with verified TLS and a socket timeout,
log in by password or XOAUTH2, read a folder by UID, append to the Sent folder.

Every failure becomes a `MailConnectionError` whose `problem` is one of a few
kinds (wrong password, TLS problem, host unreachable, folder missing...) and
whose message says it in plain words, so that "Test connection" and the fetch
job's error column speak the admin's language.
"""
import imaplib
import re
import socket
import ssl
import time

__all__ = ["MailConnectionError", "ImapClient", "Problem", "describe_error", "xoauth2_string"]


class Problem:
    """The kinds of connection problems the admin is told about."""

    AUTH = "wrong_password"
    TLS = "tls"
    UNREACHABLE = "unreachable"
    HOST_UNKNOWN = "host_unknown"
    FOLDER = "folder_missing"
    TIMEOUT = "timeout"
    OAUTH = "oauth"
    PROTOCOL = "protocol"
    REFUSED = "refused"  # the server refused a message (SMTP)


class MailConnectionError(Exception):
    """A connection to a mail server failed; `problem` says which kind, the message says it plainly."""

    def __init__(self, problem, message):
        super().__init__(message)
        self.problem = problem


def xoauth2_string(address, access_token):
    """The SASL XOAUTH2 initial response (before base64): user=..^Aauth=Bearer ..^A^A."""
    return f"user={address}\x01auth=Bearer {access_token}\x01\x01"


def describe_error(error, host, port, what="server"):
    """A `MailConnectionError` in plain words for a low-level network or TLS error."""
    if isinstance(error, MailConnectionError):
        return error
    if isinstance(error, socket.gaierror):
        return MailConnectionError(Problem.HOST_UNKNOWN,
                                   f"Host unreachable: the name {host} was not found. Check the {what} host name.")
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or error.reason or "certificate not trusted"
        return MailConnectionError(Problem.TLS, f"TLS problem: the certificate of {host}:{port} is not trusted "
                                                f"({reason}). The server must present a valid certificate.")
    if isinstance(error, ssl.SSLError):
        reason = error.reason or str(error)
        hint = (" Is this port for the chosen security (SSL/TLS or STARTTLS)?"
                if "WRONG_VERSION" in str(reason).upper() or "wrong version" in str(error).lower() else "")
        return MailConnectionError(Problem.TLS, f"TLS problem with {host}:{port}: {reason}.{hint}")
    if isinstance(error, (socket.timeout, TimeoutError)):
        return MailConnectionError(Problem.TIMEOUT, f"Host unreachable: {host}:{port} did not answer in time.")
    if isinstance(error, ConnectionRefusedError):
        return MailConnectionError(Problem.UNREACHABLE,
                                   f"Host unreachable: {host}:{port} refused the connection. Check the port.")
    if isinstance(error, (ConnectionError, EOFError, imaplib.IMAP4.abort)):
        return MailConnectionError(Problem.UNREACHABLE, f"The connection to {host}:{port} was dropped: {error}")
    if isinstance(error, OSError):
        return MailConnectionError(Problem.UNREACHABLE, f"Host unreachable: {host}:{port}: {error.strerror or error}")
    return MailConnectionError(Problem.PROTOCOL, f"{host}:{port} answered unexpectedly: {error}")


def _text(data):
    return b" ".join(part for part in (data or []) if isinstance(part, bytes)).decode(errors="replace")


def quote_folder(name):
    """A folder name as an IMAP quoted string (modified UTF-7 for non-ASCII names)."""
    from imap_tools.imap_utf7 import utf7_encode

    encoded = utf7_encode(name).decode("ascii")
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapClient:
    """One IMAP session. Use as a context manager; every method raises `MailConnectionError`."""

    def __init__(self, host, port, security, timeout=30, ssl_context=None):
        self.host, self.port, self.security, self.timeout = host, int(port), security, timeout
        self.context = ssl_context or ssl.create_default_context()
        self.conn = None

    # -- session -------------------------------------------------------------------

    def connect(self):
        try:
            if self.security == "ssl":
                self.conn = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=self.context, timeout=self.timeout)
            else:
                self.conn = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    if "STARTTLS" not in self.conn.capabilities:
                        raise MailConnectionError(Problem.TLS, f"TLS problem: {self.host}:{self.port} does not offer "
                                                               "STARTTLS. Choose SSL/TLS or another port.")
                    self.conn.starttls(ssl_context=self.context)
        except imaplib.IMAP4.error as error:
            self._drop()
            raise MailConnectionError(Problem.PROTOCOL, f"{self.host}:{self.port} is not an IMAP server "
                                                        f"that we understand: {error}") from error
        except Exception as error:
            self._drop()
            raise describe_error(error, self.host, self.port, "IMAP") from error
        return self

    def login(self, username, password):
        try:
            self.conn.login(username, password)
        except imaplib.IMAP4.abort as error:
            raise describe_error(error, self.host, self.port) from error
        except imaplib.IMAP4.error as error:
            raise MailConnectionError(Problem.AUTH, f"Wrong user name or password: {self.host} refused the login "
                                                    f"of {username} ({_server_words(error)}).") from error
        except Exception as error:
            raise describe_error(error, self.host, self.port) from error

    def login_xoauth2(self, address, access_token):
        try:
            self.conn.authenticate("XOAUTH2", lambda _challenge: xoauth2_string(address, access_token).encode())
        except imaplib.IMAP4.abort as error:
            raise describe_error(error, self.host, self.port) from error
        except imaplib.IMAP4.error as error:
            raise MailConnectionError(Problem.OAUTH, f"The provider refused the access token for {address} "
                                                     f"({_server_words(error)}). Connect the account again.") from error
        except Exception as error:
            raise describe_error(error, self.host, self.port) from error

    def _drop(self):
        if self.conn is not None:
            try:
                self.conn.shutdown()
            except Exception:
                pass
            self.conn = None

    def close(self):
        if self.conn is None:
            return
        try:
            self.conn.logout()
        except Exception:
            pass
        self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- commands ------------------------------------------------------------------

    def _call(self, name, *args):
        try:
            typ, data = getattr(self.conn, name)(*args)
        except imaplib.IMAP4.abort as error:
            raise describe_error(error, self.host, self.port) from error
        except imaplib.IMAP4.error as error:
            raise MailConnectionError(Problem.PROTOCOL, f"{self.host} refused {name.upper()}: {error}") from error
        except Exception as error:
            raise describe_error(error, self.host, self.port) from error
        return typ, data

    def select(self, folder):
        """Open `folder` read-only (fetching never changes flags); returns (UIDVALIDITY, UIDNEXT, message count)."""
        typ, data = self._call("select", quote_folder(folder), True)
        if typ != "OK":
            raise MailConnectionError(Problem.FOLDER, f"Folder missing: {self.host} has no folder \"{folder}\" "
                                                      f"({_text(data)}).")
        count = int(data[0]) if data and data[0] and data[0].isdigit() else 0
        values = {}
        for name in ("UIDVALIDITY", "UIDNEXT"):
            _typ, found = self._call("response", name)
            values[name] = int(found[0]) if found and found[0] is not None else None
        if values["UIDVALIDITY"] is None:
            raise MailConnectionError(Problem.PROTOCOL, f"{self.host} sent no UIDVALIDITY for \"{folder}\".")
        if values["UIDNEXT"] is None:  # optional before IMAP4rev2: ask for it
            _typ, found = self._call("status", quote_folder(folder), "(UIDNEXT)")
            match = re.search(rb"UIDNEXT (\d+)", b" ".join(x for x in found or [] if isinstance(x, bytes)))
            values["UIDNEXT"] = int(match.group(1)) if match else 1
        return values["UIDVALIDITY"], values["UIDNEXT"], count

    def search_uids(self, criteria):
        """UIDs matching an IMAP search (`'UID 5:*'`, `'SINCE 01-Jan-2026'`), ascending."""
        typ, data = self._call("uid", "SEARCH", criteria)
        if typ != "OK":
            raise MailConnectionError(Problem.PROTOCOL, f"{self.host} refused SEARCH {criteria}: {_text(data)}")
        return sorted(int(uid) for uid in (data[0] or b"").split())

    def uids_after(self, last_uid):
        """UIDs above `last_uid` (`n:*` also answers the highest UID when all are lower: dropped)."""
        return [uid for uid in self.search_uids(f"UID {int(last_uid) + 1}:*") if uid > last_uid]

    def fetch(self, uid):
        """The raw bytes of one message, without setting \\Seen; None when it vanished."""
        typ, data = self._call("uid", "FETCH", str(int(uid)), "(BODY.PEEK[])")
        if typ != "OK":
            raise MailConnectionError(Problem.PROTOCOL, f"{self.host} refused FETCH {uid}: {_text(data)}")
        for item in data or []:
            if isinstance(item, tuple) and re.search(rb"\bUID %d\b" % int(uid), item[0]):
                return item[1]
        for item in data or []:
            if isinstance(item, tuple):
                return item[1]
        return None

    def sent_folder(self):
        """The folder flagged \\Sent (RFC 6154), else one named like Sent, else None."""
        typ, data = self._call("list", '""', '"*"')
        named = None
        for line in data or []:
            if not isinstance(line, bytes):
                continue
            match = re.match(rb'\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$', line)
            if not match:
                continue
            name = match.group("name").strip()
            if name.startswith(b'"') and name.endswith(b'"'):
                name = name[1:-1].replace(b'\\"', b'"').replace(b"\\\\", b"\\")
            from imap_tools.imap_utf7 import utf7_decode

            decoded = utf7_decode(name)
            if b"\\sent" in match.group("flags").lower():
                return decoded
            if decoded.lower() in ("sent", "sent items", "sent messages", "inbox.sent") and named is None:
                named = decoded
        return named

    def append(self, folder, raw, create=True):
        """Add `raw` to `folder` marked \\Seen (creating the folder once when missing)."""
        date = imaplib.Time2Internaldate(time.time())
        typ, data = self._call("append", quote_folder(folder), r"(\Seen)", date, raw)
        if typ != "OK" and create:
            self._call("create", quote_folder(folder))
            return self.append(folder, raw, create=False)
        if typ != "OK":
            raise MailConnectionError(Problem.FOLDER, f"Could not add the message to \"{folder}\": {_text(data)}")


def _server_words(error):
    text = str(error)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.strip() or "no reason given"
