"""Turn raw RFC 5322 / MIME bytes into a `ParsedEmail`.

Real mail is often broken: legacy and mislabeled charsets, raw 8-bit bytes in
headers, malformed encoded words, missing MIME boundaries, invented
Content-Transfer-Encodings. This module reads everything it can and never
raises on such input; only bytes that hold no header at all raise
`MailParseError`.

How it is built:

* The MIME tree comes from the standard `email` package with the `compat32`
  policy, which never raises on broken headers and is several times faster
  than `policy.default` (no header objects are built while parsing).
* Header values are read raw and decoded here (RFC 2047 encoded words, raw
  8-bit bytes) rather than through `policy.default`'s header objects: those
  replace undecodable bytes with U+FFFD and cannot retry another charset, which
  loses names and file names that a fallback charset recovers.
* Text is decoded with the declared charset, then UTF-8, then the other
  charsets the message declares elsewhere, then byte by byte as UTF-8 with a
  Windows-1252 fallback, which never fails.
* HTML bodies are sanitized with `helpdesk.core.sanitize.sanitize_html`.
"""

from __future__ import annotations

import binascii
import codecs
import email
import email.utils
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from io import BytesIO

from helpdesk.core.sanitize import html_to_text, sanitize_html

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
    """The bytes cannot be a mail message at all (empty, or no header)."""


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

    Raises `MailParseError` only when `raw` holds no header at all.
    """
    message = _parse_structure(_repair_folding(_strip_envelope(bytes(raw))))
    if not message.keys():
        raise MailParseError("no mail headers found")

    hints = _charset_hints(message)
    headers = _HeaderReader(message, hints)
    from_name, from_email = _pick_sender(headers)
    body = _Body(hints)
    body.collect(message)
    text, html = body.text_and_html()
    _mark_inline_images(body.attachments, body.raw_html)

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
        subject=_clean_subject(headers.text("subject")),
        date=_parse_date(headers.raw("date")),
        text=text,
        html=html,
        attachments=body.attachments,
        is_auto_reply=_is_auto_reply(headers),
        is_bounce=_is_bounce(message, headers, from_email),
        headers={name: headers.text(name) for name in _SUMMARY_HEADERS if headers.raw(name) is not None},
    )


# --- Structure --------------------------------------------------------------

def _strip_envelope(raw: bytes) -> bytes:
    """Drop leading blank lines and an mbox `From ` envelope line."""
    raw = raw.lstrip(b"\r\n")
    if raw.startswith(b"From "):
        _, _, raw = raw.partition(b"\n")
    return raw


_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _repair_folding(raw: bytes) -> bytes:
    """Indent header lines that lost their folding whitespace.

    Some gateways unfold badly and leave continuation lines (or a stray first
    line) flush left; the standard parser would end the header block there and
    lose every header after it. A line that is not `Name: value` and is
    followed by real header lines is made a continuation line again.
    """
    end = _HEADER_END.search(raw)
    block, rest = (raw[: end.start()], raw[end.start():]) if end else (raw, b"")
    lines = block.split(b"\n")
    last_header = max((i for i, line in enumerate(lines) if _HEADER_LINE.match(line)), default=-1)
    for i in range(last_header):
        line = lines[i]
        if line.strip() and line[:1] not in b" \t" and not _HEADER_LINE.match(line):
            lines[i] = b" " + line
    return b"\n".join(lines) + rest


def _parse_structure(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=policy.compat32)


# --- Charsets ---------------------------------------------------------------

# Labels that mail uses but Python does not know, and labels whose real-world
# content is a superset (as browsers treat them, per the WHATWG Encoding Standard).
_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
    "iso-gb2312": "gbk",
    "gb2312": "gbk",
    "x-gbk": "gbk",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
    "windows-874": "cp874",
    "tis-620": "cp874",
}

# Charsets to try when a declared one fails: ISO-2022-JP mail often holds the
# Microsoft/NEC extensions (circled digits...), mislabeled Japanese mail is
# usually Shift_JIS, and GBK mail may hold GB18030 characters.
_RELATED_CHARSETS = {
    "iso2022_jp": ("iso-2022-jp-ms", "cp932", "euc_jp"),
    "euc_jp": ("cp932",),
    "gbk": ("gb18030",),
}

_MULTIBYTE_CODECS = {
    "big5", "big5hkscs", "cp932", "cp949", "cp950", "euc_jis_2004", "euc_jp", "euc_kr",
    "gb18030", "gb2312", "gbk", "hz", "iso2022_jp", "iso2022_jp_2", "iso2022_jp_2004",
    "iso2022_jp_ext", "iso2022_kr", "johab", "shift_jis", "utf-16", "utf-32",
}

_FALLBACK_ERRORS = "helpdesk-utf8-cp1252"


def _cp1252_for_undecodable(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as Windows-1252 (Latin-1 where it has gaps)."""
    chunk = error.object[error.start:error.end]
    text = "".join(
        bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in chunk
    )
    return text, error.end


codecs.register_error(_FALLBACK_ERRORS, _cp1252_for_undecodable)


# Escape sequences (after ESC) and the character set they switch to.
_ISO2022_JP_MODES = {b"$@": "jis", b"$B": "jis", b"(B": "ascii", b"(J": "ascii", b"(I": "kana"}


def _decode_iso2022_jp_ms(data: bytes) -> str:
    """Decode ISO-2022-JP with the Microsoft/NEC extensions (as CP50220 does).

    Python's iso2022_jp codecs reject those characters, so the JIS bytes are
    moved to Shift_JIS and read with cp932, which has them.
    """
    shift_jis, mode, index = bytearray(), "ascii", 0
    while index < len(data):
        byte = data[index]
        if byte == 0x1B:
            escape = data[index + 1:index + 3]
            if escape not in _ISO2022_JP_MODES:
                raise UnicodeDecodeError("iso-2022-jp-ms", data, index, index + 1, "unknown escape")
            mode, index = _ISO2022_JP_MODES[escape], index + 3
        elif byte >= 0x80:
            raise UnicodeDecodeError("iso-2022-jp-ms", data, index, index + 1, "8-bit byte")
        elif mode == "jis" and byte > 0x20 and data[index + 1:index + 2] > b"\x20":
            first, second = byte, data[index + 1]
            lead = (first + 1) // 2 + (0x70 if first <= 0x5E else 0xB0)
            if first % 2:
                trail = second + (0x1F if second <= 0x5F else 0x20)
            else:
                trail = second + 0x7E
            shift_jis += bytes([lead, trail])
            index += 2
        else:
            shift_jis.append(byte + 0x80 if mode == "kana" and 0x21 <= byte <= 0x5F else byte)
            index += 1
    return shift_jis.decode("cp932")


_CUSTOM_DECODERS = {"iso-2022-jp-ms": _decode_iso2022_jp_ms}


def _codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when there is none."""
    # Only the first token: a broken header may run on ("utf-8 content-transfer-encoding: 7bit").
    token = re.match(r"[\w.:+-]+", (label or "").strip().strip("\"'"))
    if not token:
        return None
    label = _CHARSET_ALIASES.get(token.group(0).lower(), token.group(0).lower())
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None = None, hints: tuple[str, ...] = ()) -> str:
    """Decode `data`, trusting `charset` only as far as it works. Never raises.

    Order: the declared charset, charsets that are often mislabeled as it,
    UTF-8, the `hints` (charsets declared elsewhere in the same message), and
    finally UTF-8 with each undecodable byte read as Windows-1252.
    """
    candidates = []
    for label in (charset, "utf-8", *hints):
        codec = _codec_name(label)
        candidates += [codec, *_RELATED_CHARSETS.get(codec or "", ())]
    tried = set()
    for candidate in candidates:
        if not candidate or candidate in tried:
            continue
        tried.add(candidate)
        decoder = _CUSTOM_DECODERS.get(candidate)
        try:
            return decoder(data) if decoder else data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors=_FALLBACK_ERRORS)


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?(.*?)\?=", re.DOTALL)
# Encoded words separated by nothing but whitespace are joined (RFC 2047 §6.2).
_ENCODED_WORD_RUN = re.compile(rf"{_ENCODED_WORD.pattern}(?:\s*{_ENCODED_WORD.pattern})*", re.DOTALL)


def _decode_encoded_word(charset: str, encoding: str, encoded: str) -> bytes | None:
    if encoding.lower() == "q":
        raw = re.sub(r"=([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), encoded.replace("_", " "))
        return raw.encode("latin-1", errors="replace")
    compact = re.sub(r"[^A-Za-z0-9+/]", "", encoded)
    compact += "=" * (-len(compact) % 4)
    try:
        return binascii.a2b_base64(compact)
    except binascii.Error:
        return None


def _decode_encoded_word_run(run: str, hints: tuple[str, ...]) -> str:
    """Decode a run of adjacent RFC 2047 encoded words into text."""
    pieces: list[tuple[str, bytes]] = []
    for word in _ENCODED_WORD.finditer(run):
        charset = word.group(1).split("*", 1)[0]  # drop an RFC 2231 language tag
        data = _decode_encoded_word(charset, word.group(2), word.group(3))
        if data is None:  # undecodable: keep the word as written
            charset, data = "us-ascii", word.group(0).encode("ascii", errors="replace")
        # Adjacent words in one charset are joined before decoding, because
        # senders split multi-byte characters across words.
        if pieces and pieces[-1][0].lower() == charset.lower():
            pieces[-1] = (charset, pieces[-1][1] + data)
        else:
            pieces.append((charset, data))
    return "".join(decode_bytes(data, charset, hints) for charset, data in pieces)


_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')  # RFC 5322 specials


def _quote_for_address(text: str, inside_quotes: bool) -> str:
    """Decoded display-name text made safe for the address parser."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if inside_quotes:
        return escaped
    return f'"{escaped}"' if _SPECIALS.search(text) else text


def _decode_header_text(value: str, hints: tuple[str, ...], in_address: bool = False) -> str:
    """A raw header value as text: raw 8-bit bytes and encoded words decoded.

    In address headers, decoded text that holds commas or other specials is
    quoted, so that it stays one display name (senders do not quote encoded
    words: `=?utf-8?B?...?= <a@b>` can decode to "Müller, Bernd").
    """
    # Raw 8-bit bytes arrive as surrogate escapes from the email package.
    text = decode_bytes(value.encode("utf-8", errors="surrogateescape"), None, hints)
    pieces, position = [], 0
    for run in _ENCODED_WORD_RUN.finditer(text):
        decoded = _decode_encoded_word_run(run.group(0), hints)
        if in_address:
            decoded = _quote_for_address(decoded, inside_quotes=text[:run.start()].count('"') % 2 == 1)
        pieces += [text[position:run.start()], decoded]
        position = run.end()
    pieces.append(text[position:])
    return "".join(pieces)


def decode_header_value(value: str, hints: tuple[str, ...] = ()) -> str:
    """Decode a raw header value: raw 8-bit bytes and RFC 2047 encoded words.

    `hints` are charsets to try for raw bytes that are not UTF-8.
    """
    return _decode_header_text(value, hints)


def _charset_hints(message: Message) -> tuple[str, ...]:
    """Charsets the message declares anywhere (parts and encoded words), in order.

    They are the best guess for bytes that carry no label of their own, such as
    raw 8-bit headers, or for a part whose own label is wrong.
    """
    found: list[str] = []
    for part in message.walk():
        _, params = _header_params(_raw_header(part, "content-type"))
        found.append(params.get("charset", ""))
        for _, value in part.raw_items():
            found += [word.group(1).split("*", 1)[0] for word in _ENCODED_WORD.finditer(value)]
    codecs_in_order = dict.fromkeys(_codec_name(label) for label in found if label)
    useful = [name for name in codecs_in_order if name not in (None, "ascii", "utf-8")]
    # A single-byte charset accepts any bytes, so it would win every time;
    # the multi-byte ones reject what is not theirs and are tried first.
    return tuple(sorted(useful, key=lambda name: name not in _MULTIBYTE_CODECS))


# --- Headers ----------------------------------------------------------------

def _raw_header(message: Message, name: str) -> str | None:
    """The first raw value of header `name`, unfolded, or None."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return _unfold(value)
    return None


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", str(value)).strip("\r\n")


class _HeaderReader:
    """Decoded access to the top-level headers of one message."""

    def __init__(self, message: Message, hints: tuple[str, ...]) -> None:
        self._message = message
        self._hints = hints

    def raw(self, name: str) -> str | None:
        return _raw_header(self._message, name)

    def all_raw(self, name: str) -> list[str]:
        return [_unfold(value) for key, value in self._message.raw_items() if key.lower() == name]

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
    text = _decode_header_text(value, hints, in_address=True)
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


def _clean_subject(subject: str) -> str:
    return re.sub(r"[\r\n\t]+", " ", subject).strip()


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
    content_type, params = _header_params(headers.raw("content-type"))
    if content_type == "multipart/report" and params.get("report-type", "").lower() == "delivery-status":
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


# --- MIME parameters ----------------------------------------------------------

def _split_params(value: str) -> list[str]:
    """Split `type; a=1; b="x;y"` at semicolons outside quoted strings."""
    pieces, current, quoted, escaped = [], [], False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return pieces


def _header_params(value: str | None) -> tuple[str, dict[str, str | tuple]]:
    """The main value (lower case) and parameters of a Content-Type-like header.

    RFC 2231 parameters (`filename*=UTF-8''...`, also split in continuations)
    come back as (charset, language, text) tuples, their text still undecoded.
    """
    if not value:
        return "", {}
    main, *rest = _split_params(value)
    pairs = [("", "")]
    for piece in rest:
        name, equals, param_value = piece.partition("=")
        if equals and name.strip():
            pairs.append((name.strip().lower(), param_value.strip()))
    try:
        decoded = email.utils.decode_params(pairs)[1:]
    except Exception:  # noqa: BLE001 - malformed continuations: use them as written
        decoded = pairs[1:]
    params: dict[str, str | tuple] = {}
    for name, param_value in decoded:
        if isinstance(param_value, tuple):
            params.setdefault(name, param_value)
        else:
            params.setdefault(name, email.utils.unquote(param_value.strip()))
    return main.strip().lower(), params


def _param_text(param: str | tuple | None, hints: tuple[str, ...]) -> str:
    """A parameter value as text: RFC 2231, RFC 2047 or raw 8-bit."""
    if param is None:
        return ""
    if isinstance(param, tuple):
        charset, _, text = param
        data = email.utils.unquote(text).encode("latin-1", errors="surrogateescape")
        return decode_bytes(data, charset, hints)
    return decode_header_value(param, hints)


# --- Body and attachments -------------------------------------------------------

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
    encoding = (_raw_header(part, "content-transfer-encoding") or "").strip().lower()
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
    _, params = _header_params(_raw_header(part, "content-type"))
    start = str(params.get("start", "")).strip().strip("<>")
    for child in children:
        if start and (_raw_header(child, "content-id") or "").strip().strip("<>") == start:
            return child
    return children[0] if children else None


class _Body:
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
        disposition, _ = _header_params(_raw_header(part, "content-disposition"))
        if disposition == "attachment" or self._filename(part):
            return False
        # A multipart that lost its boundary is left with its text as one leaf.
        return content_type in _BODY_TYPES or part.get_content_maintype() == "multipart"

    def _add_body(self, part: Message, content_type: str) -> None:
        data = _part_bytes(part)
        _, params = _header_params(_raw_header(part, "content-type"))
        charset = _param_text(params.get("charset"), ()) or None
        if content_type == "text/html" and not charset:
            declared = _META_CHARSET.search(data[:4096])
            charset = declared.group(1).decode("ascii") if declared else None
        text = decode_bytes(data, charset, self._hints).replace("\r\n", "\n").replace("\r", "\n")
        (self.html if content_type == "text/html" else self.plain).append(text)

    def _filename(self, part: Message) -> str:
        _, disposition = _header_params(_raw_header(part, "content-disposition"))
        _, content_type = _header_params(_raw_header(part, "content-type"))
        for param in (disposition.get("filename"), content_type.get("name")):
            name = _safe_filename(_param_text(param, self._hints))
            if name:
                return name
        return ""

    def _add_attachment(self, part: Message, content_type: str, data: bytes) -> None:
        content_id = (_raw_header(part, "content-id") or "").strip().strip("<>").strip() or None
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
        location = (_raw_header(part, "content-location") or "").strip()
        content_id = (_raw_header(part, "content-id") or "").strip().strip("<>")
        for candidate in (location, content_id.split("@", 1)[0]):
            name = _safe_filename(decode_header_value(candidate, self._hints))
            if re.search(r"\.\w{1,5}$", name):
                return name
        if content_type == "message/rfc822":
            attached = part.get_payload(0) if part.is_multipart() else None
            subject = _raw_header(attached, "subject") if attached is not None else None
            name = _safe_filename(_clean_subject(decode_header_value(subject or "", self._hints)))
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


def _mark_inline_images(attachments: list[ParsedAttachment], raw_html: str) -> None:
    """An attachment is inline when the HTML body shows it through `cid:`."""
    referenced = {match.lower() for match in re.findall(r"cid:([^\"'\s>)]+)", raw_html, re.IGNORECASE)}
    for attachment in attachments:
        attachment.inline = bool(attachment.content_id) and attachment.content_id.lower() in referenced
