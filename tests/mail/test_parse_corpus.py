"""The parser against the Zammad mail corpus (real, often broken, mails with expected results).

The corpus lives outside the repository (see its README for origin, license and
the meaning of the expected `.yml` files). Each message is compared on what any
correct parser should agree on; see `_differences`. Where Zammad's expected
value is specific to Zammad, the field is listed in `KNOWN_DIFFERENCES` with
the reason, and checked to still differ (so stale entries are noticed).
"""

import base64
import hashlib
import os
import re
from pathlib import Path

import pytest
import yaml

from helpdesk.core.sanitize import html_to_text
from helpdesk.mail.parse import ParsedEmail, parse_email, parse_file_to_json

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "mail"
BOXES = sorted(CORPUS.rglob("*.box")) if CORPUS.is_dir() else []

_TITLE = "Zammad keeps the HTML <title> as the first body text; we drop it, as mail clients do"
KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {
    "mail016": {"body": _TITLE},
    "mail018": {"subject": "an encoded word with spaces inside (=?unicode-1-1-utf-7?Q?+ANw-bermittlungsstatus   "
                           "(Fehlgeschlagen)?=): Zammad leaves it encoded, we decode it to 'Übermittlungsstatus'"},
    "mail019": {"body": _TITLE},
    "mail023": {"body": "raw 8-bit GB2312 body with no charset declared anywhere in the message: Zammad "
                        "guesses GB2312 with a charset detector; we have no detector and read unlabeled "
                        "bytes as UTF-8 with a Windows-1252 fallback"},
    "mail026": {"body": _TITLE + " (the HTML part has no other text)"},
    "mail035": {"from_email": 'From: "finances8@firstfinanceloanfirm.example.com" (a quoted address and '
                              "nothing else): Zammad keeps the quotes in the address"},
    "mail046": {"from_name": "raw 8-bit GB2312 display name: Zammad reads it as ISO-8859-2 ('ÎäŔźłÉ'); we use "
                             "the GB2312 charset the message declares and get '武兰成'"},
    "mail047": {"body": _TITLE},
    "mail049": {"body": _TITLE},
    "mail060": {"body": "body declared iso-gb2312 that is really UTF-8 mixed with Latin-1 bytes: Zammad's "
                        "expected text is mojibake ('Ă¤ĂśĂź'); we read 'äöü - 差出人'"},
    "mail065": {"from_name": "From: =?iso-8859-1?Q?B=FCrling,=20Andreas?= <...>: Zammad splits the encoded "
                             "word at the comma and keeps '=20Andreas?='; we decode it to 'Bürling, Andreas'"},
    "mail066": {"body": _TITLE},
    "mail072": {"body": "windows-1258 body: Zammad's expected text reads it as windows-1250 ('suite ŕ ma'); "
                        "we decode windows-1258 ('suite à ma')"},
    "mail076": {"from_email": 'From: "Millions Lottery Spain transfer"@example.com> (stray ">"): Zammad keeps '
                              "the '>' in the address",
                "from_name": "same header: Zammad builds a display name from the broken address, we have none"},
    "mail085": {"attachments": "Apple Mail split the HTML body into two text/html parts of a multipart/mixed; "
                               "Zammad keeps the second as an attachment 'document.html', we show both as body"},
    "mail087": {"from_name": "From: Test test@example.com (no angle brackets): Zammad uses the whole value as "
                             "display name; we have none",
                "attachments": "a part without Content-Type: Zammad keeps it as an attachment 'file'; it is "
                               "text/plain by RFC 2045, so we show it as the body"},
}

# message name -> fields that differ (filled by test_message, read by the summary)
RESULTS: dict[str, list[str]] = {}


class _ZammadLoader(yaml.SafeLoader):
    """Reads the Ruby-tagged YAML that Zammad wrote (see the corpus README)."""


_ZammadLoader.add_multi_constructor("!ruby/hash:", lambda loader, _, node: loader.construct_mapping(node, deep=True))
_ZammadLoader.add_constructor("!binary", lambda loader, node: base64.b64decode(loader.construct_scalar(node)))

_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+")


def _require_corpus() -> None:
    if BOXES:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"mail corpus not found at {CORPUS}")
    pytest.skip(f"mail corpus not found at {CORPUS}")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _addresses(text: str) -> set[str]:
    """Addresses in a decoded header string, lower-cased (display names ignored)."""
    return {address.lower() for address in _ADDRESS.findall(text)}


def _as_bytes(data) -> bytes:
    return data.encode() if isinstance(data, str) else data


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _missing_attachments(expected: dict, parsed: ParsedEmail) -> list[str]:
    """Expected attachments whose bytes are not among ours.

    `message.html` is Zammad's copy of the HTML body, not an attachment. Parts
    of type message/* are stored re-serialized, so they are compared with
    whitespace collapsed (header folding and line endings differ).
    """
    ours = {_md5(attachment.data) for attachment in parsed.attachments}
    ours_collapsed = {_md5(b" ".join(attachment.data.split())) for attachment in parsed.attachments}
    missing = []
    for attachment in expected["attachments"]:
        preferences = attachment.get("preferences") or {}
        if attachment.get("filename") == "message.html" and preferences.get("content-alternative"):
            continue
        data = _as_bytes(attachment["data"])
        if _md5(data) in ours:
            continue
        is_message = str(preferences.get("Mime-Type", "")).startswith("message/")
        if is_message and _md5(b" ".join(data.split())) in ours_collapsed:
            continue
        missing.append(attachment.get("filename", "?"))
    return missing


def _body_matches(expected: dict, parsed: ParsedEmail) -> bool:
    """The first 40 characters of the expected body, HTML read as text and
    whitespace collapsed, appear in our text or in our HTML read as text."""
    body = expected["body"]
    if expected.get("content_type") == "text/html":
        body = html_to_text(body)
    start = _collapse(body)[:40]
    ours = [_collapse(parsed.text)] + ([_collapse(html_to_text(parsed.html))] if parsed.html else [])
    return any(start in text for text in ours)


def _differences(expected: dict, parsed: ParsedEmail) -> list[str]:
    """The fields on which `parsed` disagrees with Zammad's expected result."""
    differences = []
    if parsed.from_email != expected["from_email"]:
        differences.append("from_email")
    if parsed.from_name != expected["from_display_name"]:
        differences.append("from_name")
    if _collapse(parsed.subject) != _collapse(expected["subject"] or ""):
        differences.append("subject")
    for field in ("to", "cc"):
        ours = {address.lower() for address in getattr(parsed, field)}
        if field in expected and ours != _addresses(expected[field] or ""):
            differences.append(field)
    if "reply-to" in expected and {(parsed.reply_to or "").lower()} != _addresses(expected["reply-to"]):
        differences.append("reply_to")
    if _missing_attachments(expected, parsed):
        differences.append("attachments")
    if expected["body"] != "no visible content" and not _body_matches(expected, parsed):
        differences.append("body")
    return differences


def _describe(field: str, expected: dict, parsed: ParsedEmail) -> str:
    ours = {
        "from_email": parsed.from_email, "from_name": parsed.from_name, "subject": parsed.subject,
        "to": parsed.to, "cc": parsed.cc, "reply_to": parsed.reply_to,
        "attachments": [(a.filename, a.content_type, a.size) for a in parsed.attachments],
        "body": parsed.text[:80],
    }[field]
    theirs = {
        "from_name": expected["from_display_name"], "reply_to": expected.get("reply-to"),
        "attachments": _missing_attachments(expected, parsed), "body": expected["body"][:80],
    }.get(field, expected.get(field))
    return f"{field}: expected {theirs!r}, parsed {ours!r}"


@pytest.mark.parametrize("box", BOXES or [None], ids=lambda box: box.stem if box else "no-corpus")
def test_message(box):
    _require_corpus()
    raw = box.read_bytes()
    assert "error" not in parse_file_to_json(raw)
    parsed = parse_email(raw)
    expected_file = box.with_suffix(".yml")
    if not expected_file.exists():
        RESULTS[box.stem] = []
        return
    expected = yaml.load(expected_file.read_bytes(), Loader=_ZammadLoader)
    known = KNOWN_DIFFERENCES.get(box.stem, {})
    differences = _differences(expected, parsed)
    RESULTS[box.stem] = differences
    unexpected = [field for field in differences if field not in known]
    assert not unexpected, "; ".join(_describe(field, expected, parsed) for field in unexpected)
    stale = [field for field in known if field not in differences]
    assert not stale, f"{box.stem}: {stale} now match; remove them from KNOWN_DIFFERENCES"


def _header_block_and_rest(raw: bytes) -> tuple[bytes, bytes]:
    end = re.search(rb"\r?\n\r?\n", raw)
    return (raw[:end.start()], raw[end.start():]) if end else (raw, b"")


@pytest.mark.parametrize("box", BOXES or [None], ids=lambda box: box.stem if box else "no-corpus")
def test_obsolete_space_before_every_header_colon_reads_the_same(box):
    """RFC 5322 §4.5 allows `Name : value`; every corpus message written so reads as written normally."""
    _require_corpus()
    raw = box.read_bytes()
    head, rest = _header_block_and_rest(raw)
    spaced = re.sub(rb"^([\x21-\x39\x3b-\x7e]+):", rb"\1 :", head, flags=re.MULTILINE)
    assert spaced != head
    assert parse_file_to_json(spaced + rest) == parse_file_to_json(raw)


@pytest.mark.parametrize("box", BOXES or [None], ids=lambda box: box.stem if box else "no-corpus")
def test_crlf_and_lf_line_endings_read_the_same(box):
    _require_corpus()
    lf = box.read_bytes().replace(b"\r\n", b"\n")
    assert parse_file_to_json(lf.replace(b"\n", b"\r\n")) == parse_file_to_json(lf)


def test_summary(capsys):
    """Print the pass rate; runs after the messages (it is defined last)."""
    _require_corpus()
    if not RESULTS:
        pytest.skip("no corpus message was run in this session")
    matching = [name for name, fields in RESULTS.items() if set(fields) <= set(KNOWN_DIFFERENCES.get(name, {}))]
    documented = sum(1 for name in matching if RESULTS[name])
    with capsys.disabled():
        print(f"\ncorpus: {len(matching)}/{len(RESULTS)} messages match "
              f"({documented} with documented Zammad-specific differences)")
    assert len(matching) == len(RESULTS)
