"""Text from the bytes mail carries: charsets and RFC 2047 encoded words.

Real mail mislabels its charsets, uses labels Python does not know, and puts
raw 8-bit bytes in headers. Decoding here never fails:

* Text is decoded with the declared charset, then UTF-8, then the other
  charsets the message declares elsewhere (the "hints"), then byte by byte as
  UTF-8 with a Windows-1252 fallback, which never fails.
* Header values are decoded here (RFC 2047 encoded words, raw 8-bit bytes)
  rather than through `policy.default`'s header objects: those replace
  undecodable bytes with U+FFFD and cannot retry another charset, which loses
  names and file names that a fallback charset recovers.
"""

from __future__ import annotations

import binascii
import codecs
import re

__all__ = ["ENCODED_WORD", "MULTIBYTE_CODECS", "codec_name", "decode_bytes", "decode_header_text",
           "decode_header_value"]

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

MULTIBYTE_CODECS = {
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


def codec_name(label: str | None) -> str | None:
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
        codec = codec_name(label)
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


ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?(.*?)\?=", re.DOTALL)
# Encoded words separated by nothing but whitespace are joined (RFC 2047 §6.2).
_ENCODED_WORD_RUN = re.compile(rf"{ENCODED_WORD.pattern}(?:\s*{ENCODED_WORD.pattern})*", re.DOTALL)


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
    for word in ENCODED_WORD.finditer(run):
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


def decode_header_text(value: str, hints: tuple[str, ...], in_address: bool = False) -> str:
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
    return decode_header_text(value, hints)

