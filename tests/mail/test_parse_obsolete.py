"""parse_email on mail that RFC 5322 says a reader must accept (obsolete syntax) or that real clients send
broken: what a user would see of it (subject, headers, text, attachment names), built from raw bytes, with
CRLF and with LF line endings."""

import base64

import pytest

from helpdesk.mail.parse import parse_email, parse_file_to_json

LINE_ENDINGS = pytest.mark.parametrize("newline", [b"\r\n", b"\n"], ids=["crlf", "lf"])
PDF = b"%PDF-1.4 fake"


def raw(*lines: bytes, newline: bytes) -> bytes:
    """Raw bytes of a message written line by line (b"" is the blank line)."""
    return newline.join(lines) + newline


def mixed_body(delimiter: bytes) -> tuple[bytes, ...]:
    """The body lines of a multipart/mixed with a text part and a PDF, split at `--delimiter`."""
    return (
        b"--" + delimiter,
        b"Content-Type: text/plain; charset=utf-8",
        b"",
        b"the text",
        b"--" + delimiter,
        b'Content-Type: application/pdf; name="report.pdf"',
        b"Content-Transfer-Encoding: base64",
        b"",
        base64.b64encode(PDF),
        b"--" + delimiter + b"--",
    )


# --- Obsolete header syntax (RFC 5322 §4.5: white space before the colon) ------------------------------

@LINE_ENDINGS
def test_obsolete_space_before_colon_in_the_first_header_is_read(newline):
    parsed = parse_email(raw(b"Subject : hi", b"From: Ann <ann@example.com>", b"To: help@example.com", b"",
                             b"body text", newline=newline))
    assert parsed.subject == "hi"
    assert (parsed.from_name, parsed.from_email, parsed.to) == ("Ann", "ann@example.com", ["help@example.com"])
    assert parsed.text.strip() == "body text"


@LINE_ENDINGS
def test_obsolete_space_before_colon_later_keeps_the_headers_after_it(newline):
    parsed = parse_email(raw(
        b"From: ann@example.com", b"Subject\t : hi", b"To: help@example.com", b"Message-ID: <m1@example.com>",
        b"Content-Type : text/plain; charset=koi8-r", b"", "Привет".encode("koi8-r"), newline=newline))
    assert parsed.subject == "hi"
    assert (parsed.to, parsed.message_id) == (["help@example.com"], "<m1@example.com>")
    assert parsed.text.strip() == "Привет"  # the Content-Type after it is a header, its charset used


@LINE_ENDINGS
def test_obsolete_from_header_first_is_the_sender_not_an_mbox_envelope_line(newline):
    parsed = parse_email(raw(b"From : Ann <ann@example.com>", b"Subject: hi", b"", b"x", newline=newline))
    assert (parsed.from_email, parsed.subject) == ("ann@example.com", "hi")


# --- RFC 2231 parameters ---------------------------------------------------------------------------------

@LINE_ENDINGS
def test_rfc2231_charset_parameter_is_read(newline):
    parsed = parse_email(raw(b"From: ann@example.com", b"Subject: hi",
                             b"Content-Type: text/plain; charset*=ansi-x3.4-1968''us-ascii", b"", b"body text",
                             newline=newline))
    assert (parsed.subject, parsed.text.strip()) == ("hi", "body text")


@LINE_ENDINGS
def test_rfc2231_charset_parameter_decodes_the_text(newline):
    parsed = parse_email(raw(b"From: ann@example.com", b"Content-Type: text/plain; charset*=us-ascii'ru'koi8-r",
                             b"", "Привет".encode("koi8-r"), newline=newline))
    assert parsed.text.strip() == "Привет"


@LINE_ENDINGS
def test_rfc2231_charset_on_a_base64_part_with_8bit_bytes_keeps_the_attachment(newline):
    parsed = parse_email(raw(
        b"From: ann@example.com", b'Content-Type: multipart/mixed; boundary="B"', b"",
        b"--B", b"Content-Type: text/plain", b"", b"see attached",
        b"--B", b"Content-Type: application/pdf; name=report.pdf; charset*=utf-8''us-ascii",
        b"Content-Transfer-Encoding: base64", b"", base64.b64encode(PDF) + b"\xff", b"--B--", newline=newline))
    assert parsed.text == "see attached"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("report.pdf", PDF)]


@LINE_ENDINGS
def test_rfc2231_start_parameter_picks_the_root_of_a_related_message(newline):
    parsed = parse_email(raw(
        b"From: ann@example.com", b"Content-Type: multipart/related; boundary=R; start*=''%3Croot%40example.com%3E",
        b"", b"--R", b"Content-Type: image/png; name=logo.png", b"Content-Transfer-Encoding: base64", b"",
        base64.b64encode(b"\x89PNG"), b"--R", b"Content-Type: text/plain", b"Content-ID: <root@example.com>", b"",
        b"the root text", b"--R--", newline=newline))
    assert parsed.text == "the root text"
    assert [a.filename for a in parsed.attachments] == ["logo.png"]


# --- Boundaries --------------------------------------------------------------------------------------------

@LINE_ENDINGS
def test_boundary_without_semicolon_gives_the_text_and_the_attachments(newline):
    parsed = parse_email(raw(b"From: ann@example.com", b"Subject: hi", b"MIME-Version: 1.0",
                             b'Content-Type: multipart/mixed boundary="a/b=c"', b"", *mixed_body(b"a/b=c"),
                             newline=newline))
    assert parsed.text == "the text"
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("report.pdf", "application/pdf", PDF)]


@LINE_ENDINGS
def test_attachment_disposition_without_semicolon_is_an_attachment(newline):
    parsed = parse_email(raw(
        b"From: ann@example.com", b"Content-Type: multipart/mixed; boundary=B", b"",
        b"--B", b"Content-Type: text/plain", b"", b"the text",
        b"--B", b"Content-Type: text/plain", b'Content-Disposition: attachment filename="notes.txt"', b"", b"notes",
        b"--B--", newline=newline))
    assert parsed.text == "the text"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("notes.txt", b"notes")]


@LINE_ENDINGS
def test_quoted_boundary_folded_over_two_lines_as_in_rfc_2046(newline):
    # RFC 2046 §5.1.1's own example: unfolding keeps the space, the delimiter lines have it.
    parsed = parse_email(raw(b"From: ann@example.com", b"Subject: hi", b"MIME-Version: 1.0",
                             b'Content-Type: multipart/mixed; boundary="simple', b' boundary"', b"",
                             b"This is the preamble.", *mixed_body(b"simple boundary"), newline=newline))
    assert parsed.text == "the text"
    assert [a.filename for a in parsed.attachments] == ["report.pdf"]


@LINE_ENDINGS
def test_quoted_boundary_folded_where_the_delimiter_lines_have_no_space(newline):
    parsed = parse_email(raw(b"From: ann@example.com", b"Subject: hi", b"MIME-Version: 1.0",
                             b'Content-Type: multipart/mixed;', b'\tboundary="----=_Part_0_1234', b'\t.5678"', b"",
                             *mixed_body(b"----=_Part_0_1234.5678"), newline=newline))
    assert parsed.text == "the text"
    assert [a.filename for a in parsed.attachments] == ["report.pdf"]


@LINE_ENDINGS
def test_folded_boundary_in_an_attached_message_is_split_and_kept_whole(newline):
    inner = raw(b"From: bob@example.com", b"Subject: Original", b'Content-Type: multipart/mixed; boundary="in',
                b' ner"', b"", *mixed_body(b"inner"), newline=newline)
    parsed = parse_email(raw(b"From: ann@example.com", b"Content-Type: multipart/mixed; boundary=OUT", b"",
                             b"--OUT", b"Content-Type: text/plain", b"", b"forwarding",
                             b"--OUT", b"Content-Type: message/rfc822", b"", inner, b"--OUT--", newline=newline))
    [attached] = parsed.attachments
    assert (parsed.text, attached.filename) == ("forwarding", "Original.eml")
    reread = parse_email(attached.data)  # the stored copy still opens with its parts
    assert reread.text == "the text" and [a.filename for a in reread.attachments] == ["report.pdf"]


# --- Messages without readable headers, and other odd but real mail ---------------------------------------

@pytest.mark.parametrize("data", [
    b"just a body\r\nline two\r\n",
    b"just a body\nline two\n",
    b"just a body\r\nline two",
], ids=["crlf", "lf", "no-final-newline"])
def test_message_that_is_only_a_body_keeps_its_text(data):
    parsed = parse_email(data)
    assert parsed.text.splitlines() == ["just a body", "line two"]
    assert (parsed.subject, parsed.from_email, parsed.attachments) == ("", "", [])
    assert parse_file_to_json(data)["text"] == parsed.text


def test_message_whose_header_lines_are_all_unreadable_keeps_its_body():
    data = b"\xff\xfe\x00garbage line\r\n\x80\x81 more\r\n\r\nthe body\r\n"
    parsed = parse_email(data)
    assert "the body" in parsed.text and "error" not in parse_file_to_json(data)


@LINE_ENDINGS
def test_header_line_with_8bit_bytes_in_its_name_keeps_the_headers_after_it(newline):
    parsed = parse_email(raw(b"From: ann@example.com", "X-Stätus: ok".encode("latin-1"), b"Subject: hi",
                             "X-Naïve: ja".encode("utf-8"), b"To: help@example.com", b"", b"body",
                             newline=newline))
    assert (parsed.subject, parsed.to, parsed.text.strip()) == ("hi", ["help@example.com"], "body")


@LINE_ENDINGS
def test_missing_blank_line_between_headers_and_body(newline):
    parsed = parse_email(raw(b"From: ann@example.com", b"Subject: hi", b"Hello, the printer is broken.",
                             b"", b"Ann", newline=newline))
    assert parsed.subject == "hi"
    assert parsed.text.splitlines() == ["Hello, the printer is broken.", "", "Ann"]


def test_message_of_headers_only_without_a_final_newline():
    parsed = parse_email(b"From: ann@example.com\r\nSubject: hi")
    assert (parsed.from_email, parsed.subject, parsed.text) == ("ann@example.com", "hi", "")


def test_crlf_lf_and_mixed_line_endings_read_alike():
    lines = (b"From: Ann <ann@example.com>", b"Subject : hi", b"Content-Type: multipart/mixed boundary=B", b"",
             *mixed_body(b"B"))
    crlf, lf = raw(*lines, newline=b"\r\n"), raw(*lines, newline=b"\n")
    mixed = b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lines))
    results = [parse_file_to_json(data) for data in (crlf, lf, mixed)]
    assert results[0] == results[1] == results[2]
    assert (results[0]["subject"], results[0]["text"], results[0]["attachments"][0]["filename"]) == (
        "hi", "the text", "report.pdf")
