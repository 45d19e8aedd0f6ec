"""Turn raw RFC 5322 / MIME bytes into a `ParsedEmail`.

Real mail is often broken: legacy and mislabeled charsets, raw 8-bit bytes in
headers, malformed encoded words, missing MIME boundaries, invented
Content-Transfer-Encodings, obsolete syntax. This module reads everything it
can and never raises on such input: bytes in which no header can be read are
a message without headers, their text its body. Only empty input raises
`MailParseError`.

It is the public side of the parser; the work is split by topic:
`mime` (the MIME tree and its parameters), `charsets` (bytes and encoded
words to text), `parts` (body text, HTML and attachments). Here: the
message's headers (senders, recipients, threading, date) and automation
(auto-replies, bounces).
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message

from helpdesk.mail.charsets import ENCODED_WORD, MULTIBYTE_CODECS, codec_name, decode_bytes, decode_header_text, \
    decode_header_value
from helpdesk.mail.mime import clean_subject, header_params, param_text, parse_structure, raw_header, strip_envelope, \
    unfold
from helpdesk.mail.parts import Body, ParsedAttachment, mark_inline_images


__all__ = [
    "MailParseError",
    "ParsedAttachment",
    "ParsedEmail",
    "parse_email",
    "parse_file_to_json",
    "decode_bytes",
    "decode_header_value",
]


class MailParseError(ValueError):
    """The bytes cannot be a mail message at all: they are empty."""


@dataclass
class ParsedEmail:
    """What the helpdesk needs from a message, decoded to Python strings."""

    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    from_email: str
    from_name: str
    reply_to: str | None
    to: list[str]
    cc: list[str]
    subject: str
    date: datetime | None
    text: str
    html: str | None
    attachments: list[ParsedAttachment]
    is_auto_reply: bool
    is_bounce: bool
    # Decoded values of the headers behind is_auto_reply / is_bounce, plus the
    # envelope-ish ones (Return-Path, Sender), for loop protection and debugging.
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_automated(self) -> bool:
        """True for auto-replies, list mail and bounces: never answer these."""
        return self.is_auto_reply or self.is_bounce

    def to_json(self) -> dict:
        """A JSON-ready summary (attachment bytes are left out, sizes kept)."""
        return {
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "from_email": self.from_email,
            "from_name": self.from_name,
            "to": list(self.to),
            "cc": list(self.cc),
            "subject": self.subject,
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "html": self.html,
            "attachments": [
                {
                    "filename": attachment.filename,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "inline": attachment.inline,
                }
                for attachment in self.attachments
            ],
            "is_auto_reply": self.is_auto_reply,
            "is_bounce": self.is_bounce,
        }


def parse_file_to_json(raw: bytes) -> dict:
    """Parse `raw` and return `ParsedEmail.to_json()`, or `{"error": ...}`.

    Never raises: it is meant for tools that feed arbitrary files.
    """
    try:
        return parse_email(raw).to_json()
    except Exception as error:  # noqa: BLE001 - the contract is "never raises"
        return {"error": f"{type(error).__name__}: {error}"}


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse one raw message (bytes as received, CRLF or LF).

    Raises `MailParseError` only when `raw` is empty (or blank lines and an
    mbox envelope line).
    """
    raw = strip_envelope(bytes(raw))
    if not raw.strip():
        raise MailParseError("the message is empty")
    message = parse_structure(raw)

    hints = _charset_hints(message)
    headers = _HeaderReader(message, hints)
    from_name, from_email = _pick_sender(headers)
    body = Body(hints)
    body.collect(message)
    text, html = body.text_and_html()
    mark_inline_images(body.attachments, body.raw_html)

    reply_to = [address for _, address in headers.addresses("reply-to") if address]
    return ParsedEmail(
        message_id=_first_message_id(headers.raw("message-id")),
        in_reply_to=_first_message_id(headers.raw("in-reply-to")),
        references=_message_ids(headers.raw("references")),
        from_email=from_email,
        from_name=from_name,
        reply_to=reply_to[0] if reply_to else None,
        to=_mailboxes(headers.addresses("to")),
        cc=_mailboxes(headers.addresses("cc")),
        subject=clean_subject(headers.text("subject")),
        date=_parse_date(headers.raw("date")),
        text=text,
        html=html,
        attachments=body.attachments,
        is_auto_reply=_is_auto_reply(headers),
        is_bounce=_is_bounce(message, headers, from_email),
        headers={name: headers.text(name) for name in _SUMMARY_HEADERS if headers.raw(name) is not None},
    )


def _charset_hints(message: Message) -> tuple[str, ...]:
    """Charsets the message declares anywhere (parts and encoded words), in order.

    They are the best guess for bytes that carry no label of their own, such as
    raw 8-bit headers, or for a part whose own label is wrong.
    """
    found: list[str] = []
    for part in message.walk():
        _, params = header_params(raw_header(part, "content-type"))
        found.append(param_text(params.get("charset"), ()))
        for _, value in part.raw_items():
            found += [word.group(1).split("*", 1)[0] for word in ENCODED_WORD.finditer(value)]
    codecs_in_order = dict.fromkeys(codec_name(label) for label in found if label)
    useful = [name for name in codecs_in_order if name not in (None, "ascii", "utf-8")]
    # A single-byte charset accepts any bytes, so it would win every time;
    # the multi-byte ones reject what is not theirs and are tried first.
    return tuple(sorted(useful, key=lambda name: name not in MULTIBYTE_CODECS))


# --- Headers ----------------------------------------------------------------

class _HeaderReader:
    """Decoded access to the top-level headers of one message."""

    def __init__(self, message: Message, hints: tuple[str, ...]) -> None:
        self._message = message
        self._hints = hints

    def raw(self, name: str) -> str | None:
        return raw_header(self._message, name)

    def all_raw(self, name: str) -> list[str]:
        return [unfold(value) for key, value in self._message.raw_items() if key.lower() == name]

    def text(self, name: str) -> str:
        value = self.raw(name)
        return decode_header_value(value, self._hints) if value is not None else ""

    def addresses(self, name: str) -> list[tuple[str, str]]:
        """(display name, address) pairs from every header called `name`."""
        pairs = []
        for value in self.all_raw(name):
            pairs += _parse_addresses(value, self._hints)
        return pairs


_ADDRESS_LIKE = re.compile(r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+")


def _parse_addresses(value: str, hints: tuple[str, ...]) -> list[tuple[str, str]]:
    """Parse an address header into (display name, address) pairs."""
    text = decode_header_text(value, hints, in_address=True)
    # In `Name (comment) <address>` the comment is not part of the name (RFC 5322).
    text = re.sub(r"(?<=\S)\s*\([^()\"]*\)\s*(?=<)", " ", text)
    pairs = []
    for name, address in email.utils.getaddresses([text]):
        name, address = re.sub(r"[ \t\r\n]+", " ", name).strip(), address.strip()
        # `Name (someone@example.com)`: the address was written as a comment.
        if "@" not in address and _ADDRESS_LIKE.fullmatch(name):
            name, address = address, name
        if name or address:
            pairs.append((name, address))
    return pairs


def _mailboxes(pairs: list[tuple[str, str]]) -> list[str]:
    """The addresses, without words that are no address (`To: Recipients`)."""
    return list(dict.fromkeys(address for _, address in pairs if "@" in address))


def _pick_sender(headers: _HeaderReader) -> tuple[str, str]:
    """(name, address) of the sender.

    From first; a From with several mailboxes or broken ones gives its first
    usable address. Without one, Reply-To, Sender and Return-Path stand in,
    and the name comes from the same header as the address.
    """
    for name in ("from", "reply-to", "sender", "return-path"):
        pairs = [(display, address) for display, address in headers.addresses(name) if address]
        with_domain = [pair for pair in pairs if "@" in pair[1]]
        if with_domain or pairs:
            return (with_domain or pairs)[0]
    return "", ""


def _first_message_id(value: str | None) -> str | None:
    ids = _message_ids(value)
    return ids[0] if ids else None


def _message_ids(value: str | None) -> list[str]:
    """Message-IDs in `<...>` form; bare ids are accepted and bracketed."""
    if not value:
        return []
    bracketed = re.findall(r"<([^<>\s]+)>", value)
    if bracketed:
        return [f"<{token}>" for token in dict.fromkeys(bracketed)]
    return [f"<{token}>" for token in dict.fromkeys(value.split()) if "@" in token]


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # "-0000" means "time zone unknown": read it as UTC, which it is by convention.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# --- Automation -------------------------------------------------------------

_SUMMARY_HEADERS = (
    "return-path", "sender", "auto-submitted", "precedence", "x-autoreply",
    "x-autorespond", "x-auto-response-suppress", "list-id", "list-unsubscribe", "x-loop",
)
_AUTOMATED_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_SUPPRESSING_AUTO_RESPONSE = {"all", "oof", "autoreply"}
# Matched at the start only, so that a forwarded bounce ("Fwd: Undelivered...")
# from a customer still counts as a real message.
_BOUNCE_SUBJECT = re.compile(
    r"\s*(undelivered mail returned to sender|undeliverable:|undelivered mail|"
    r"delivery status notification \(failure\)|returned mail:|mail delivery failed|"
    r"delivery failure|failure notice|unzustellbar:|nicht zustellbar)",
    re.IGNORECASE,
)
_DAEMON_SENDER = re.compile(r"^(mailer-daemon|postmaster)\b", re.IGNORECASE)


def _is_auto_reply(headers: _HeaderReader) -> bool:
    """Auto-responders (RFC 3834 and the vendor headers) and mailing-list mail."""
    auto_submitted = headers.text("auto-submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if headers.text("precedence").strip().lower() in _AUTOMATED_PRECEDENCE:
        return True
    for name in ("x-autoreply", "x-autorespond"):
        value = headers.raw(name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return True
    suppress = {token.strip().lower() for token in headers.text("x-auto-response-suppress").split(",")}
    if suppress & _SUPPRESSING_AUTO_RESPONSE:
        return True
    return any(headers.raw(name) is not None for name in ("list-id", "list-unsubscribe", "x-loop"))


def _is_bounce(message: Message, headers: _HeaderReader, from_email: str) -> bool:
    """Delivery status notifications and other "your mail was not delivered" mail."""
    content_type, params = header_params(headers.raw("content-type"))
    if content_type == "multipart/report" and param_text(params.get("report-type"), ()).lower() == "delivery-status":
        return True
    if any(part.get_content_type() == "message/delivery-status" for part in _parts_outside_attached_messages(message)):
        return True
    null_sender = (headers.raw("return-path") or "").strip() == "<>"
    if null_sender and _DAEMON_SENDER.match(from_email):
        return True
    return bool(_BOUNCE_SUBJECT.match(headers.text("subject")))


def _parts_outside_attached_messages(part: Message):
    """Walk the MIME tree without entering forwarded (message/rfc822) mails."""
    yield part
    if part.get_content_type() == "message/rfc822":
        return
    if part.is_multipart():
        for child in part.get_payload():
            yield from _parts_outside_attached_messages(child)
