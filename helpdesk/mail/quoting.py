"""Fold quoted history: split a message body into what is new and what quotes earlier mail."""
import re

QUOTE_HEADERS = re.compile(
    r"^(On .{3,200} wrote:|Am .{3,200} schrieb:|Le .{3,200} a écrit :|-----\s*Original Message\s*-----|From: .+)$",
    re.MULTILINE)


def split_quoted_text(text):
    """(visible, quoted or None) for a plain-text body."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if QUOTE_HEADERS.match(line.strip()) or line.startswith(">"):
            rest = lines[index:]
            if all(not l.strip() or l.startswith(">") or QUOTE_HEADERS.match(l.strip()) for l in rest[:1]):
                visible = "".join(lines[:index]).rstrip()
                if visible:
                    return visible, "".join(rest)
    return text, None


QUOTE_BLOCK = re.compile(r'(<div class="gmail_quote".*|<blockquote[^>]*type="cite".*)$', re.S | re.I)


def split_quoted_html(html):
    """(visible, quoted or None) for sanitized HTML."""
    match = QUOTE_BLOCK.search(html)
    if match and html[:match.start()].strip():
        return html[:match.start()], match.group(1)
    return html, None
