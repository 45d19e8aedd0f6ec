"""The MIME structure of a raw message, read as leniently as real mail needs.

* The tree comes from the standard `email` package with the `compat32`
  policy, which never raises on broken headers and is several times faster
  than `policy.default` (no header objects are built while parsing).
* Before it, the top-level header block is repaired where the standard parser
  would end it too early (obsolete `Name : value` lines, lost folding), and
  Content-Type is read as real clients write it (`_LenientMessage`): a
  parameter without the `;` before it, a quoted boundary folded over two
  lines, RFC 2231 parameters.
* Header values are read raw (`raw_header`) and decoded by `charsets`.
* MIME parameters (`header_params`) accept RFC 2231 values and continuations.
"""

from __future__ import annotations

import email
import email.utils
import re
from email import errors, policy
from email.message import Message

from helpdesk.mail.charsets import decode_bytes, decode_header_value

__all__ = ["clean_subject", "header_params", "param_text", "parse_structure", "raw_header", "strip_envelope",
           "unfold"]


# --- Structure --------------------------------------------------------------

# An mbox envelope line ("From sender date"), not an obsolete "From : address" header.
_ENVELOPE = re.compile(rb"From (?![ \t]*:)")


def strip_envelope(raw: bytes) -> bytes:
    """Drop leading blank lines and an mbox `From ` envelope line."""
    raw = raw.lstrip(b"\r\n")
    if _ENVELOPE.match(raw):
        _, _, raw = raw.partition(b"\n")
    return raw


_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")
# A `Name: value` line whatever bytes the name holds.
_FIELD_LIKE = re.compile(rb"[^\s:]+[ \t]*:")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# RFC 5322 §4.5 (obs-optional): white space may stand between a field name and its colon.
_OBSOLETE_NAME_END = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:", re.MULTILINE)


def _repair_header_block(raw: bytes) -> bytes:
    """Rewrite the top-level header block so that the standard parser reads it to its end.

    The parser takes any line that is not `Name: value` or a continuation for
    the first body line, and loses every header after it (all of them when it
    is the first line). So:

    * an obsolete `Name : value` line becomes `Name: value`;
    * a `Name: value` line whose name holds bytes no field name may hold
      (8-bit, control characters) is dropped: no parser reads it as a header,
      and it must neither end the block nor join the header before it;
    * a line that lost its folding whitespace (some gateways unfold badly and
      leave continuation lines, or a stray first line, flush left) and is
      followed by header lines is made a continuation line again.
    """
    end = _HEADER_END.search(raw)
    block, rest = (raw[: end.start()], raw[end.start():]) if end else (raw, b"")
    if b" :" in block or b"\t:" in block:  # the cheap test first: obsolete lines are rare
        block = _OBSOLETE_NAME_END.sub(rb"\1:", block)
    lines = block.split(b"\n")
    last_header = max((i for i, line in enumerate(lines) if _FIELD_LIKE.match(line)), default=-1)
    for i in range(last_header + 1):
        line = lines[i]
        if line[:1] not in b" \t" and line.strip() and not _HEADER_LINE.match(line):
            lines[i] = None if _FIELD_LIKE.match(line) else b" " + line
    if None in lines:
        lines = [line for line in lines if line is not None]
    return b"\n".join(lines) + rest


# The type/subtype token that starts a Content-Type (RFC 2045 §5.1).
_MIME_TYPE = re.compile(r"\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+/[A-Za-z0-9!#$%&'*+.^_`|~-]+)")


class _LenientMessage(Message):
    """A compat32 `Message` that reads Content-Type as real clients write it.

    The standard class takes `multipart/mixed boundary="b"` (no `;`) for a type
    it cannot split, and a quoted boundary folded over two lines keeps the line
    break; either way no delimiter line matches and every part is lost.
    """

    def get_content_type(self) -> str:
        value = self.get("content-type")
        if value is None:
            return self.get_default_type()
        content_type = str(value).partition(";")[0].strip().lower()
        if content_type.count("/") == 1 and content_type.isprintable() and " " not in content_type:
            return content_type  # the usual case, read as Message does
        match = _MIME_TYPE.match(content_type)
        return match.group(1) if match else "text/plain"  # RFC 2045 §5.2: invalid means text/plain

    def get_boundary(self, failobj=None):
        boundary = super().get_boundary()
        if boundary is None or "\n" in boundary:
            # Read again unfolded (RFC 5322 §2.2.3: the line break goes, the space stays,
            # as in RFC 2046's own example) and with parameters that lack their ";".
            _, params = header_params(raw_header(self, "content-type"))
            boundary = param_text(params.get("boundary"), ()).rstrip() or None
        return failobj if boundary is None else boundary

    def get_param(self, param, failobj=None, header="content-type", unquote=True):
        # An RFC 2231 value as text: Message.get_payload() decodes with the charset
        # parameter and fails on the (charset, language, text) tuple.
        value = super().get_param(param, failobj, header, unquote)
        return email.utils.collapse_rfc2231_value(value) if isinstance(value, tuple) else value


def parse_structure(raw: bytes) -> Message:
    """The MIME tree of one raw message (after `strip_envelope`)."""
    message = email.message_from_bytes(_repair_header_block(raw), _class=_LenientMessage, policy=policy.compat32)
    for part in message.walk():
        # The parser notes a multipart in which no delimiter line matched its boundary.
        if any(isinstance(defect, errors.StartBoundaryNotFoundDefect) for defect in part.defects):
            _split_at_boundary_without_folds(part)
    return message


def _split_at_boundary_without_folds(part: Message) -> None:
    """Split a multipart whose delimiter lines write its folded boundary without the fold.

    Unfolding keeps the folding space (`get_boundary`), but some senders fold a
    long quoted boundary where it has no space. Only when its delimiter lines
    say so is the boundary read with the folds removed, and the body split at it.
    """
    value = next((value for key, value in part.raw_items() if key.lower() == "content-type"), "")
    _, params = header_params(re.sub(r"\r?\n[ \t]+", "", value))
    boundary = param_text(params.get("boundary"), ()).rstrip()
    body = part.get_payload()
    if not boundary or boundary == part.get_boundary() or f"\n--{boundary}" not in f"\n{body}":
        return
    part.set_boundary(boundary)
    split = email.message_from_string(f"Content-Type: {part['content-type']}\n\n{body}",
                                      _class=_LenientMessage, policy=policy.compat32)
    part.set_payload(split.get_payload())
    part.preamble, part.epilogue = split.preamble, split.epilogue


# --- Header values ------------------------------------------------------------

def raw_header(message: Message, name: str) -> str | None:
    """The first raw value of header `name`, unfolded, or None."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return unfold(value)
    return None


def unfold(value: str) -> str:
    """A header value with its folding line breaks removed (RFC 5322 §2.2.3)."""
    return re.sub(r"\r?\n(?=[ \t])", "", str(value)).strip("\r\n")


def clean_subject(subject: str) -> str:
    """A decoded subject on one line."""
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
    main = main.strip()
    if "=" in main:  # `multipart/mixed boundary="b"`: a parameter without the ";" before it
        kind, _, run_on = main.partition(" ") if " " in main else main.partition("\t")
        if "=" in run_on:
            main, rest = kind, [run_on, *rest]
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
    return main.lower(), params


def param_text(param: str | tuple | None, hints: tuple[str, ...]) -> str:
    """A parameter value as text: RFC 2231, RFC 2047 or raw 8-bit."""
    if param is None:
        return ""
    if isinstance(param, tuple):
        charset, _, text = param
        data = email.utils.unquote(text).encode("latin-1", errors="surrogateescape")
        return decode_bytes(data, charset, hints)
    if param.isascii() and "=?" not in param:  # nothing to decode (the usual case)
        return param
    return decode_header_value(param, hints)

