"""The MIME structure of a raw message, read as leniently as real mail needs.

* The tree comes from the standard `email` package with the `compat32`
  policy, which never raises on broken headers and is several times faster
  than `policy.default` (no header objects are built while parsing).
* Header values are read raw (`raw_header`) and decoded by `charsets`.
* MIME parameters (`header_params`) accept RFC 2231 values and continuations.
"""

from __future__ import annotations

import email
import email.utils
import re
from email import policy
from email.message import Message

from helpdesk.mail.charsets import decode_bytes, decode_header_value

__all__ = ["clean_subject", "header_params", "param_text", "parse_structure", "raw_header", "unfold"]

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


def parse_structure(raw: bytes) -> Message:
    """The MIME tree of one raw message (without its mbox envelope line)."""
    return email.message_from_bytes(_repair_folding(_strip_envelope(raw)), policy=policy.compat32)

# --- Header values ------------------------------------------------------------

def raw_header(message: Message, name: str) -> str | None:
    """The first raw value of header `name`, unfolded, or None."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return unfold(value)
    return None


def unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", str(value)).strip("\r\n")


def clean_subject(subject: str) -> str:
    return re.sub(r"[\r\n\t]+", " ", subject).strip()


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


def header_params(value: str | None) -> tuple[str, dict[str, str | tuple]]:
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


def param_text(param: str | tuple | None, hints: tuple[str, ...]) -> str:
    """A parameter value as text: RFC 2231, RFC 2047 or raw 8-bit."""
    if param is None:
        return ""
    if isinstance(param, tuple):
        charset, _, text = param
        data = email.utils.unquote(text).encode("latin-1", errors="surrogateescape")
        return decode_bytes(data, charset, hints)
    return decode_header_value(param, hints)

