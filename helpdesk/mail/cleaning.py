"""What a stranger's mail says, made storable: control characters out of headers and text.

Anyone can send a message whose Subject decodes to a NUL (`=?utf-8?q?a=00b?=`),
and PostgreSQL refuses NUL in any text column; other control characters
(escape sequences, bell, backspace) have no place in a subject or a body either.
Ingest cleans every value it takes from a parsed message before storing it,
and keeps the raw bytes untouched in storage.
"""
import dataclasses
import re

# The C0 and C1 controls and DEL, but for the tab and the line breaks (in a header they become a space).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HEADER_SPACE = re.compile(r"[\t\r\n]+")


def clean_header(value):
    """A header value (subject, name, address, Message-ID, file name) without control characters."""
    if not value:
        return value
    return _CONTROL.sub("", _HEADER_SPACE.sub(" ", value))


def clean_text(value):
    """A text or HTML body without control characters other than tab and line breaks."""
    if not value:
        return value
    return _CONTROL.sub("", value)


def clean_parsed(parsed):
    """A copy of a `ParsedEmail` whose every string is storable; bytes (attachment data) are left as they are."""
    attachments = [dataclasses.replace(attachment, filename=clean_header(attachment.filename),
                                       content_type=clean_header(attachment.content_type),
                                       content_id=clean_header(attachment.content_id))
                   for attachment in parsed.attachments]
    return dataclasses.replace(
        parsed,
        message_id=clean_header(parsed.message_id), in_reply_to=clean_header(parsed.in_reply_to),
        references=[clean_header(r) for r in parsed.references or []],
        from_email=clean_header(parsed.from_email), from_name=clean_header(parsed.from_name),
        reply_to=clean_header(parsed.reply_to), to=[clean_header(a) for a in parsed.to or []],
        cc=[clean_header(a) for a in parsed.cc or []], subject=clean_header(parsed.subject),
        text=clean_text(parsed.text), html=clean_text(parsed.html), attachments=attachments,
        headers={name: clean_header(value) for name, value in (parsed.headers or {}).items()},
    )
