"""parse_email on small hand-written messages: charsets, headers, MIME, automation, JSON."""

import base64
from datetime import datetime, timedelta, timezone

import pytest

from helpdesk.mail.parse import MailParseError, parse_email, parse_file_to_json


def message(*header_lines: str, body: bytes | str = b"Hello\n") -> bytes:
    """Raw bytes of a message: header lines, a blank line, the body."""
    if isinstance(body, str):
        body = body.encode("ascii")
    return ("\r\n".join(header_lines) + "\r\n\r\n").encode("ascii") + body


def simple(*extra_headers: str, body: bytes | str = b"Hello\n") -> bytes:
    return message("From: Customer <customer@example.com>", "To: help@example.com", "Subject: Hi",
                   *extra_headers, body=body)


# --- Charsets ---------------------------------------------------------------

def test_koi8r_body():
    parsed = parse_email(simple("Content-Type: text/plain; charset=koi8-r",
                                body="Привет, мир".encode("koi8-r")))
    assert parsed.text == "Привет, мир"


def test_windows1251_subject_in_encoded_word():
    encoded = base64.b64encode("Сергей Углицких".encode("cp1251")).decode()
    parsed = parse_email(message("From: a@example.com", f"Subject: =?windows-1251?B?{encoded}?="))
    assert parsed.subject == "Сергей Углицких"


def test_iso_2022_jp_body_and_header():
    subject = base64.b64encode("メルマガ解除".encode("iso-2022-jp")).decode()
    parsed = parse_email(message(
        "From: a@example.com", f"Subject: =?ISO-2022-JP?B?{subject}?=",
        "Content-Type: text/plain; charset=ISO-2022-JP",
        body="このアドレスへのメルマガを解除してください。".encode("iso-2022-jp"),
    ))
    assert parsed.subject == "メルマガ解除"
    assert parsed.text == "このアドレスへのメルマガを解除してください。"


def test_iso_2022_jp_with_microsoft_extensions():
    # "①" is an NEC extension (row 13) that strict ISO-2022-JP decoders reject.
    parsed = parse_email(simple("Content-Type: text/plain; charset=ISO-2022-JP",
                                body=b"\x1b$B-!#1ET\x1b(B"))
    assert parsed.text == "①１都"


def test_declared_us_ascii_containing_utf8():
    parsed = parse_email(simple("Content-Type: text/plain; charset=us-ascii", body="Grüße".encode("utf-8")))
    assert parsed.text == "Grüße"


def test_declared_utf8_containing_cp1251_uses_the_charset_declared_elsewhere():
    encoded = base64.b64encode("Счёт".encode("cp1251")).decode()
    parsed = parse_email(simple(f"X-Note: =?windows-1251?B?{encoded}?=", "Content-Type: text/plain; charset=utf-8",
                                body="Привет".encode("cp1251")))
    assert parsed.text == "Привет"


def test_declared_utf8_containing_latin_bytes_never_fails():
    parsed = parse_email(simple("Content-Type: text/plain; charset=utf-8", body="Grüße €5".encode("cp1252")))
    assert parsed.text == "Grüße €5"


def test_mixed_utf8_and_latin1_bytes_are_both_read():
    body = "äö ".encode() + "üß".encode("latin-1")
    parsed = parse_email(simple("Content-Type: text/plain; charset=utf-8", body=body))
    assert parsed.text == "äö üß"


def test_unknown_charset_name_falls_back():
    parsed = parse_email(simple("Content-Type: text/plain; charset=x-no-such-charset", body="Grüße".encode()))
    assert parsed.text == "Grüße"


def test_raw_8bit_headers():
    raw = "From: Rémi <r@example.com>\r\nSubject: élégibilité\r\n\r\nx".encode("utf-8")
    parsed = parse_email(raw)
    assert (parsed.from_name, parsed.subject) == ("Rémi", "élégibilité")


def test_malformed_encoded_words_do_not_break_the_header():
    parsed = parse_email(message("From: a@example.com",
                                 "Subject: =?utf-8?B?not*base64?= and =?utf-8?Q?caf=C3=A9?= =?bogus?X?y?="))
    assert "café" in parsed.subject and "=?bogus?X?y?=" in parsed.subject


def test_encoded_word_with_a_comma_in_a_display_name():
    name = base64.b64encode("Müller, Bernd".encode()).decode()
    parsed = parse_email(message(f"From: =?utf-8?B?{name}?= <bernd@example.com>"))
    assert (parsed.from_name, parsed.from_email) == ("Müller, Bernd", "bernd@example.com")


# --- MIME structure -----------------------------------------------------------

def multipart(content_type: str, *parts: str, boundary: str = "XYZ") -> bytes:
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return simple("MIME-Version: 1.0", f'Content-Type: {content_type}; boundary="{boundary}"', body=body)


def test_rfc2231_filename():
    raw = multipart(
        "multipart/mixed",
        "Content-Type: text/plain\r\n\r\nsee attached",
        "Content-Type: application/pdf\r\nContent-Disposition: attachment; "
        "filename*=UTF-8''%D0%BE%D1%82%D1%87%D0%B5%D1%82.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"%PDF-1.4").decode(),
    )
    parsed = parse_email(raw)
    [attachment] = parsed.attachments
    assert attachment.filename == "отчет.pdf"
    assert (attachment.content_type, attachment.data, attachment.size) == ("application/pdf", b"%PDF-1.4", 8)
    assert parsed.text == "see attached"


def test_encoded_word_filename_and_path_are_cleaned():
    raw = multipart(
        "multipart/mixed",
        "Content-Type: text/plain\r\n\r\nx",
        'Content-Type: text/plain; name="=?utf-8?Q?Erkl=C3=A4rung.txt?="\r\nContent-Disposition: attachment\r\n\r\nok',
        'Content-Type: application/octet-stream; name="../../etc/passwd"\r\n\r\nroot',
    )
    names = [attachment.filename for attachment in parse_email(raw).attachments]
    assert names == ["Erklärung.txt", "passwd"]


def test_inline_cid_image():
    png = base64.b64encode(b"\x89PNG fake").decode()
    raw = multipart(
        'multipart/related; type="text/html"',
        'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Logo: <img src="cid:logo@example.com"></p>',
        f"Content-Type: image/png\r\nContent-ID: <logo@example.com>\r\nContent-Transfer-Encoding: base64\r\n\r\n{png}",
        "Content-Type: image/png; name=unused.png\r\nContent-ID: <unused@x>\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{png}",
    )
    parsed = parse_email(raw)
    logo, unused = parsed.attachments
    assert (logo.inline, logo.content_id, logo.data) == (True, "logo@example.com", b"\x89PNG fake")
    assert (unused.inline, unused.filename) == (False, "unused.png")
    assert '<img src="cid:logo@example.com">' in parsed.html
    assert parsed.text == "Logo:"


def test_alternative_gives_text_and_sanitized_html():
    raw = multipart(
        "multipart/alternative",
        "Content-Type: text/plain; charset=utf-8\r\n\r\nplain version",
        'Content-Type: text/html; charset=utf-8\r\n\r\n<p onclick="x()">html <script>bad()</script>version</p>',
    )
    parsed = parse_email(raw)
    assert parsed.text == "plain version"
    assert parsed.html == "<p>html version</p>"


def test_html_only_mail_gets_text_from_the_html():
    parsed = parse_email(simple("Content-Type: text/html; charset=utf-8", body="<p>Hello</p><p>World</p>"))
    assert parsed.text == "Hello\n\nWorld"


def test_missing_closing_boundary_and_missing_boundary():
    unclosed = simple('Content-Type: multipart/mixed; boundary="B"',
                      body="--B\r\nContent-Type: text/plain\r\n\r\nbody text\r\n")
    assert parse_email(unclosed).text.strip() == "body text"
    no_boundary = simple("Content-Type: multipart/mixed", body="just text")
    assert parse_email(no_boundary).text == "just text"


def test_invalid_transfer_encoding_keeps_the_bytes():
    parsed = parse_email(simple("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: utf-8",
                                body="Grüße".encode()))
    assert parsed.text == "Grüße"


def test_base64_with_a_dangling_character():
    raw = multipart("multipart/mixed", "Content-Type: text/plain\r\n\r\nx",
                    "Content-Type: application/octet-stream; name=a.bin\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=x")
    assert parse_email(raw).attachments[0].data == b"hello"


def test_x_uuencode_attachment():
    raw = multipart("multipart/mixed", "Content-Type: text/plain\r\n\r\nx",
                    "Content-Type: application/msword; name=a.doc\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
                    ",2&5L;&\\@6F%M;6%D\r\n`")
    assert parse_email(raw).attachments[0].data == b"Hello Zammad"


def test_attached_message_is_kept_as_eml():
    inner = "From: old@example.com\r\nSubject: Original question\r\n\r\nOld body\r\n"
    raw = multipart("multipart/mixed", "Content-Type: text/plain\r\n\r\nForwarding.",
                    f"Content-Type: message/rfc822\r\n\r\n{inner}")
    parsed = parse_email(raw)
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("Original question.eml", "message/rfc822")
    assert attachment.data.replace(b"\r\n", b"\n") == inner.replace("\r\n", "\n").encode()
    assert parsed.text == "Forwarding."  # the forwarded body is not mixed into ours


def test_mbox_envelope_line_is_skipped():
    parsed = parse_email(b"From someone@example.com  Thu May  3 11:36:43 2012\n" + simple())
    assert parsed.from_email == "customer@example.com" and parsed.subject == "Hi"


def test_header_lines_that_lost_their_folding():
    raw = message("X-Long: first part", "second part without indentation", "From: a@example.com", "Subject: kept")
    parsed = parse_email(raw)
    assert (parsed.from_email, parsed.subject) == ("a@example.com", "kept")


# --- Senders and recipients --------------------------------------------------------

@pytest.mark.parametrize("headers, expected", [
    (["From: marc@example.com (Marc Smith)"], ("Marc Smith", "marc@example.com")),
    (['From: "Smith, Ann" <ann@example.com>'], ("Smith, Ann", "ann@example.com")),
    (["From: MAILER-DAEMON (Mail Delivery System) <postmaster@example.com>"],
     ("MAILER-DAEMON", "postmaster@example.com")),
    (['From: "Broken" <>, "LTD" <ly@example.com>'], ("LTD", "ly@example.com")),
    (["Reply-To: reply@example.com", "Return-Path: <bounce@example.com>"], ("", "reply@example.com")),
    (["Sender: Sender <sender@example.com>"], ("Sender", "sender@example.com")),
    (["Return-Path: <bounce@example.com>"], ("", "bounce@example.com")),
    (["Subject: nobody"], ("", "")),
])
def test_sender(headers, expected):
    parsed = parse_email(message(*headers))
    assert (parsed.from_name, parsed.from_email) == expected


def test_recipients_and_reply_to():
    parsed = parse_email(message(
        "From: a@example.com", 'To: "Help Desk" <help@example.com>, other@example.com',
        "Cc: =?utf-8?Q?J=C3=B6rg?= <joerg@example.com>,", " undisclosed-recipients:;",
        "Reply-To: Replies <replies@example.com>",
    ))
    assert parsed.to == ["help@example.com", "other@example.com"]
    assert parsed.cc == ["joerg@example.com"]
    assert parsed.reply_to == "replies@example.com"


def test_a_word_that_is_no_address_is_no_recipient():
    assert parse_email(message("From: a@example.com", "To: Recipients")).to == []


# --- Threading and dates ------------------------------------------------------------

def test_threading_headers():
    parsed = parse_email(message(
        "From: a@example.com",
        "Message-ID: <new@example.com>",
        "In-Reply-To: <parent@example.com> (sent by Support)",
        "References: <root@example.com>",
        "\t<middle@example.com>",
        "   <parent@example.com>",
    ))
    assert parsed.message_id == "<new@example.com>"
    assert parsed.in_reply_to == "<parent@example.com>"
    assert parsed.references == ["<root@example.com>", "<middle@example.com>", "<parent@example.com>"]


def test_empty_and_bare_message_ids():
    assert parse_email(message("From: a@example.com", "Message-ID:")).message_id is None
    bare = parse_email(message("From: a@example.com", "Message-Id: 2020.1@example.com"))
    assert bare.message_id == "<2020.1@example.com>"


def test_date():
    parsed = parse_email(message("From: a@example.com", "Date: Fri, 4 May 2012 14:01:03 +0200"))
    assert parsed.date == datetime(2012, 5, 4, 14, 1, 3, tzinfo=timezone(timedelta(hours=2)))
    assert parsed.date.utcoffset() is not None


@pytest.mark.parametrize("value", ["not a date", "Mon, 32 Foo 2018 99:99:99 +9999", ""])
def test_bad_date_is_none(value):
    assert parse_email(message("From: a@example.com", f"Date: {value}")).date is None


def test_date_without_zone_is_utc():
    parsed = parse_email(message("From: a@example.com", "Date: Fri, 4 May 2012 14:01:03 -0000"))
    assert parsed.date.tzinfo == timezone.utc


# --- Automation ------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    "Auto-Submitted: auto-replied",
    "Auto-Submitted: auto-generated",
    "Precedence: bulk",
    "Precedence: junk",
    "Precedence: list",
    "Precedence: auto_reply",
    "X-Autoreply: yes",
    "X-Autorespond: Out of office",
    "X-Auto-Response-Suppress: All",
    "X-Auto-Response-Suppress: DR, OOF, AutoReply",
    "List-Id: <users.lists.example.com>",
    "List-Unsubscribe: <mailto:leave@example.com>",
    "X-Loop: helpdesk@example.com",
])
def test_auto_reply_headers(header):
    parsed = parse_email(simple(header))
    assert parsed.is_auto_reply and parsed.is_automated and not parsed.is_bounce


@pytest.mark.parametrize("header", [
    "Auto-Submitted: no", "Precedence: first-class", "X-Auto-Response-Suppress: DR, RN",
])
def test_not_auto_reply(header):
    parsed = parse_email(simple(header))
    assert not parsed.is_auto_reply and not parsed.is_automated


def test_multipart_report_bounce():
    raw = message(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>", "To: help@example.com",
        "Subject: Undelivered Mail Returned to Sender", "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
        body="--R\r\nContent-Type: text/plain\r\n\r\nI'm sorry.\r\n"
             "--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
             "Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
             "--R--\r\n",
    )
    parsed = parse_email(raw)
    assert parsed.is_bounce and parsed.is_automated and not parsed.is_auto_reply
    assert parsed.text == "I'm sorry."
    [report] = parsed.attachments
    assert report.content_type == "message/delivery-status" and b"Action: failed" in report.data


def test_null_return_path_from_mailer_daemon_is_a_bounce():
    parsed = parse_email(message("Return-Path: <>", "From: MAILER-DAEMON@example.com", "Subject: problem"))
    assert parsed.is_bounce


def test_null_return_path_alone_is_no_bounce():
    # Auto-replies and some notifications use the null sender too.
    assert not parse_email(message("Return-Path: <>", "From: someone@example.com", "Subject: hi")).is_bounce


@pytest.mark.parametrize("subject", ["Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)",
                                     "Undeliverable: Your order"])
def test_bounce_subjects(subject):
    assert parse_email(message("From: x@example.com", f"Subject: {subject}")).is_bounce


def test_a_forwarded_bounce_from_a_customer_is_a_real_message():
    forwarded = message("From: x@example.com", "Subject: Fwd: Undelivered Mail Returned to Sender")
    assert not parse_email(forwarded).is_bounce


# --- Errors and JSON -------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b"From someone  Thu May 3 2012\n"])
def test_empty_input_raises_mail_parse_error(raw):
    with pytest.raises(MailParseError):
        parse_email(raw)
    assert "error" in parse_file_to_json(raw)


def test_to_json_keys_and_values():
    raw = multipart("multipart/mixed", "Content-Type: text/plain\r\n\r\nbody",
                    "Content-Type: text/csv; name=a.csv\r\n\r\nx,y")
    result = parse_file_to_json(raw)
    assert set(result) == {
        "message_id", "in_reply_to", "references", "from_email", "from_name", "to", "cc", "subject",
        "date", "text", "html", "attachments", "is_auto_reply", "is_bounce",
    }
    assert result["attachments"] == [{"filename": "a.csv", "content_type": "text/csv", "size": 3, "inline": False}]
    assert (result["from_email"], result["to"], result["subject"], result["html"]) == (
        "customer@example.com", ["help@example.com"], "Hi", None)


def test_to_json_date_is_iso_8601():
    result = parse_file_to_json(message("From: a@example.com", "Date: Fri, 4 May 2012 14:01:03 +0200"))
    assert result["date"] == "2012-05-04T14:01:03+02:00"
