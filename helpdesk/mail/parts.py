"""The leaves of a MIME tree sorted into body text, body HTML and attachments.

Content-Transfer-Encodings are undone leniently (base64 with garbage, uuencode,
invented encodings keep their bytes), attachments get safe file names (invented
from the Content-Location, Content-ID or type when they have none), and HTML
bodies are sanitized with `helpdesk.core.sanitize.sanitize_html`.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from io import BytesIO

from helpdesk.core.sanitize import html_to_text, sanitize_html
from helpdesk.mail.charsets import decode_bytes, decode_header_value
from helpdesk.mail.mime import clean_subject, header_params, param_text, raw_header

__all__ = ["Body", "ParsedAttachment", "mark_inline_images"]


@dataclass
class ParsedAttachment:
    """One attachment or inline part of a message, decoded to its bytes."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)
    inline: bool = False
    content_id: str | None = None  # without the angle brackets

    @property
    def size(self) -> int:
        return len(self.data)


_UU_ENCODINGS = {"x-uuencode", "uuencode", "uue", "x-uue"}
_BODY_TYPES = {"text/plain", "text/html"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)


def _decode_uu(payload: bytes) -> bytes:
    """Decode uuencoded lines; the `begin`/`end` lines are optional in mail."""
    decoded = bytearray()
    for line in payload.splitlines():
        if not line.strip() or line.startswith(b"begin ") or line.strip() == b"end":
            continue
        try:
            decoded += binascii.a2b_uu(line)
        except binascii.Error:
            # Some encoders pad lines with garbage; keep what the length byte announces.
            length = (((line[0] - 32) & 63) * 4 + 5) // 3
            try:
                decoded += binascii.a2b_uu(line[:length])
            except binascii.Error:
                continue
    return bytes(decoded)


def _decode_base64(payload: bytes) -> bytes:
    """Decode base64 leniently: skip foreign characters, stop at the padding,
    ignore a dangling character.

    (The standard library returns the undecoded text for a payload whose
    length is not a multiple of four.)
    """
    alphabet = re.sub(rb"[^A-Za-z0-9+/=]", b"", payload).split(b"=", 1)[0]
    usable = len(alphabet) - (len(alphabet) % 4 == 1)
    return binascii.a2b_base64(alphabet[:usable] + b"=" * (-usable % 4))


def _part_bytes(part: Message) -> bytes:
    """The part's content with its Content-Transfer-Encoding undone.

    Line-based encodings (7bit, 8bit, quoted-printable, and unknown ones) get
    LF line endings, so that the result does not depend on whether the mail
    was stored with CRLF or LF; base64, uuencode and binary are kept exact.
    """
    encoding = (raw_header(part, "content-transfer-encoding") or "").strip().lower()
    if encoding == "base64":
        return _decode_base64(_undecoded_payload(part))
    if encoding in _UU_ENCODINGS:
        return _decode_uu(_undecoded_payload(part))
    # For any other encoding the standard library undoes quoted-printable and
    # returns the raw bytes otherwise (raw 8-bit bytes included).
    payload = part.get_payload(decode=True) or b""
    return payload if encoding == "binary" else payload.replace(b"\r\n", b"\n")


def _undecoded_payload(part: Message) -> bytes:
    """The payload as sent, for encodings that hold ASCII only (base64, uuencode)."""
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", errors="surrogateescape")
    return b""


# Writes headers as they came (no refolding), with LF line endings.
_VERBATIM = policy.compat32.clone(max_line_length=0, linesep="\n")


def _serialized_body(part: Message) -> bytes:
    """A message/* part's content as bytes (the attached mail, or the report)."""
    buffer = BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=_VERBATIM).flatten(part)
    except Exception:  # noqa: BLE001 - unserializable: fall back to the raw payload
        return _undecoded_payload(part)
    serialized = buffer.getvalue().replace(b"\r\n", b"\n")
    # Drop the part's own headers: everything up to the first empty line.
    if serialized.startswith(b"\n"):
        return serialized[1:]
    _, _, content = serialized.partition(b"\n\n")
    return content


_UNSAFE_FILENAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def _safe_filename(name: str) -> str:
    """A file name without directories or characters file systems reject."""
    name = re.split(r"[\\/]", name)[-1]
    return _UNSAFE_FILENAME_CHARACTERS.sub("_", name).strip(" .")


def _related_root(part: Message, children: list[Message]) -> Message | None:
    """The root of a multipart/related: the `start` part, else the first (RFC 2387)."""
    _, params = header_params(raw_header(part, "content-type"))
    start = param_text(params.get("start"), ()).strip().strip("<>")
    for child in children:
        if start and (raw_header(child, "content-id") or "").strip().strip("<>") == start:
            return child
    return children[0] if children else None


class Body:
    """Walks a MIME tree, sorting leaves into body text, body HTML and attachments."""

    def __init__(self, hints: tuple[str, ...]) -> None:
        self._hints = hints
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []

    @property
    def raw_html(self) -> str:
        return "\n".join(self.html)

    def collect(self, part: Message, body_allowed: bool = True) -> None:
        """Sort `part` and its children; below `body_allowed=False` all is attachment."""
        content_type = part.get_content_type()
        if part.get_content_maintype() == "message":
            self._add_attachment(part, content_type, _serialized_body(part))
        elif part.is_multipart():
            children = part.get_payload()
            root = _related_root(part, children) if content_type == "multipart/related" else None
            for child in children:
                # In multipart/related only the root is the body; the other
                # parts are what it shows (images, and sometimes HTML snippets).
                self.collect(child, body_allowed and (root is None or child is root))
        elif body_allowed and self._is_body(part, content_type):
            self._add_body(part, content_type)
        else:
            self._add_attachment(part, content_type, _part_bytes(part))

    def _is_body(self, part: Message, content_type: str) -> bool:
        disposition, _ = header_params(raw_header(part, "content-disposition"))
        if disposition == "attachment" or self._filename(part):
            return False
        # A multipart that lost its boundary is left with its text as one leaf.
        return content_type in _BODY_TYPES or part.get_content_maintype() == "multipart"

    def _add_body(self, part: Message, content_type: str) -> None:
        data = _part_bytes(part)
        _, params = header_params(raw_header(part, "content-type"))
        charset = param_text(params.get("charset"), ()) or None
        if content_type == "text/html" and not charset:
            declared = _META_CHARSET.search(data[:4096])
            charset = declared.group(1).decode("ascii") if declared else None
        text = decode_bytes(data, charset, self._hints).replace("\r\n", "\n").replace("\r", "\n")
        (self.html if content_type == "text/html" else self.plain).append(text)

    def _filename(self, part: Message) -> str:
        _, disposition = header_params(raw_header(part, "content-disposition"))
        _, content_type = header_params(raw_header(part, "content-type"))
        for param in (disposition.get("filename"), content_type.get("name")):
            name = _safe_filename(param_text(param, self._hints))
            if name:
                return name
        return ""

    def _add_attachment(self, part: Message, content_type: str, data: bytes) -> None:
        content_id = (raw_header(part, "content-id") or "").strip().strip("<>").strip() or None
        self.attachments.append(
            ParsedAttachment(
                filename=self._filename(part) or self._invented_filename(part, content_type),
                content_type=content_type,
                data=data,
                content_id=content_id,
            )
        )

    def _invented_filename(self, part: Message, content_type: str) -> str:
        """A name for a part that has none: from its Content-Location or
        Content-ID when they look like file names, else from its type."""
        location = (raw_header(part, "content-location") or "").strip()
        content_id = (raw_header(part, "content-id") or "").strip().strip("<>")
        for candidate in (location, content_id.split("@", 1)[0]):
            name = _safe_filename(decode_header_value(candidate, self._hints))
            if re.search(r"\.\w{1,5}$", name):
                return name
        if content_type == "message/rfc822":
            attached = part.get_payload(0) if part.is_multipart() else None
            subject = raw_header(attached, "subject") if attached is not None else None
            name = _safe_filename(clean_subject(decode_header_value(subject or "", self._hints)))
            return f"{name or 'message'}.eml"
        extension = {"message/delivery-status": ".txt", "text/plain": ".txt", "text/html": ".html"}.get(content_type)
        if extension is None:
            extension = mimetypes.guess_extension(content_type) or ".bin"
        return f"attachment{extension}"

    def text_and_html(self) -> tuple[str, str | None]:
        """The plain text (derived from the HTML when there is none) and sanitized HTML."""
        html = sanitize_html(self.raw_html).strip() if self.html else None
        text = "\n".join(self.plain)
        if not text.strip() and html:
            text = html_to_text(html)
        return text, html


def mark_inline_images(attachments: list[ParsedAttachment], raw_html: str) -> None:
    """An attachment is inline when the HTML body shows it through `cid:`."""
    referenced = {match.lower() for match in re.findall(r"cid:([^\"'\s>)]+)", raw_html, re.IGNORECASE)}
    for attachment in attachments:
        attachment.inline = bool(attachment.content_id) and attachment.content_id.lower() in referenced
