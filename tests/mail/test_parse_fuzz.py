"""The parser survives any bytes: parse_file_to_json never raises, parse_email raises only MailParseError."""

import base64
import quopri
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from helpdesk.mail.parse import MailParseError, parse_email, parse_file_to_json

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "mail"
# The small messages: big ones only make examples slow, not more varied.
SAMPLES = sorted(box.read_bytes() for box in CORPUS.rglob("*.box") if box.stat().st_size < 40_000)

FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_survives(raw: bytes) -> None:
    result = parse_file_to_json(raw)
    assert isinstance(result, dict)
    try:
        parsed = parse_email(raw)
    except MailParseError:
        assert "error" in result
        return
    assert "error" not in result
    assert isinstance(parsed.text, str) and isinstance(parsed.subject, str)
    assert result == parsed.to_json()


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(raw):
    assert_survives(raw)


@FUZZ
@given(st.lists(st.sampled_from([
    b"From: ", b"To: ", b"Subject: ", b"Content-Type: ", b"multipart/mixed; boundary=b", b"\r\n", b"\n",
    b"\r\n\r\n", b"--b\r\n", b"--b--", b"=?utf-8?B?", b"=?x?Q?=FF?=", b"?=", b"\xff\xfe", b"\x1b$B", b" ", b"\t",
    b"charset=", b"filename*=", b"''%", b"<a@b>", b'"', b";", b":", b"base64", b"Content-Transfer-Encoding: ",
    b"Subject : ", b"From : ", b" boundary=", b'boundary="b\r\n b"', b"charset*=", b"\xe4: ", b"start*=",
]), max_size=60).map(b"".join))
def test_random_header_soup(raw):
    assert_survives(raw)


@FUZZ
@given(st.sampled_from(SAMPLES) if SAMPLES else st.just(b"From: a@b\r\n\r\nx"), st.data())
def test_truncated_and_damaged_corpus_messages(sample, data):
    cut = data.draw(st.integers(0, len(sample)))
    raw = bytearray(sample[:cut])
    for _ in range(data.draw(st.integers(0, 5))):
        if raw:
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    assert_survives(bytes(raw))


# --- Random MIME structures -------------------------------------------------------

CHARSETS = ["utf-8", "us-ascii", "iso-8859-1", "windows-1251", "koi8-r", "gb2312", "iso-2022-jp", "shift_jis",
            "utf-7", "x-unknown", "no-such-charset", ""]
ENCODINGS = ["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "utf-8", ""]
TEXT_TYPES = ["text/plain", "text/html", "text/calendar", "application/pdf", "image/png",
              "message/delivery-status", "text/rfc822-headers", ""]
header_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40)


def encode_body(body: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        return base64.encodebytes(body)
    if encoding == "quoted-printable":
        return quopri.encodestring(body)
    return body


@st.composite
def leaf_part(draw) -> bytes:
    content_type = draw(st.sampled_from(TEXT_TYPES))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    headers = []
    if content_type:
        headers.append(f"Content-Type: {content_type}" + (f"; charset={charset}" if charset else ""))
    if encoding:
        headers.append(f"Content-Transfer-Encoding: {encoding}")
    if draw(st.booleans()):
        filename = draw(header_text)
        headers.append(draw(st.sampled_from([
            f'Content-Disposition: attachment; filename="{filename}"',
            "Content-Disposition: inline; filename*=UTF-8''%E2%82%AC%FF.txt",
            f"Content-Disposition: attachment; filename==?utf-8?B?{base64.b64encode(filename.encode()).decode()}?=",
        ])))
    if draw(st.booleans()):
        headers.append(f"Content-ID: <{draw(st.sampled_from(['img@x', '', 'a b', '<<>>']))}>")
    body = draw(st.one_of(st.binary(max_size=300), header_text.map(lambda text: text.encode("utf-8"))))
    return "\r\n".join(headers).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + encode_body(body, encoding)


def multipart_part(children: st.SearchStrategy) -> st.SearchStrategy:
    @st.composite
    def build(draw) -> bytes:
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report", "signed"]))
        boundary = draw(st.sampled_from(["b1", "b2", "=_x", "'q'", ""]))
        parts = draw(st.lists(children, max_size=4))
        declared = f"Content-Type: multipart/{subtype}" + (f'; boundary="{boundary}"' if boundary else "")
        used = draw(st.sampled_from([boundary, boundary, "other"]))  # sometimes not the declared one
        body = b"".join(f"--{used}\r\n".encode() + part + b"\r\n" for part in parts)
        if draw(st.booleans()):
            body += f"--{used}--\r\n".encode()
        return declared.encode() + b"\r\n\r\n" + body
    return build()


def attached_message(children: st.SearchStrategy) -> st.SearchStrategy:
    return children.map(lambda inner: b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n" + inner)


mime_part = st.recursive(leaf_part(), lambda children: st.one_of(multipart_part(children), attached_message(children)),
                         max_leaves=8)


@st.composite
def whole_message(draw) -> bytes:
    headers = [
        f"From: {draw(header_text)} <{draw(header_text)}>",
        f"To: {draw(header_text)}",
        f"Subject: =?{draw(st.sampled_from(CHARSETS))}?{draw(st.sampled_from('BQbqX'))}?{draw(header_text)}?=",
        f"Date: {draw(header_text)}",
        f"References: {draw(header_text)}",
        f"Auto-Submitted: {draw(header_text)}",
    ]
    head = "\r\n".join(draw(st.permutations(headers))).encode("utf-8", "surrogateescape")
    envelope = draw(st.sampled_from([b"", b"From someone@example.com Thu May  3 11:36:43 2012\n"]))
    return envelope + head + b"\r\nMIME-Version: 1.0\r\n" + draw(mime_part)


@FUZZ
@given(whole_message())
def test_random_mime_structures(raw):
    assert_survives(raw)
