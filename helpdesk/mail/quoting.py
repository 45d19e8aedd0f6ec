"""Find the quoted tail of a reply, so that pages can fold it away.

`split_quoted_text` and `split_quoted_html` return `(visible, quoted)`. The
quoted part starts at the first quote marker after which nothing new is
written: a block of `>` lines, an attribution line ("On ... wrote:",
"Am ... schrieb ...:"), an "-----Original Message-----" separator, or an
Outlook "From: ... Sent: ..." header block; in HTML the containers that Gmail
(`gmail_quote`), Apple Mail and Thunderbird (`blockquote type="cite"`) and
Outlook (`divRplyFwdMsg`, `<hr>` + "From:") put around quotes.

A quote with new text after it (an answer written between quoted lines) is not
folded, and neither is a message that would have nothing visible left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from helpdesk.core.sanitize import html_to_text

__all__ = ["split_quoted_text", "split_quoted_html"]

_ATTRIBUTION = re.compile(
    r"^\s*(On\b.{0,300}\bwrote"
    r"|Am\b.{0,300}\bschrieb\b.{0,150}"
    r"|Le\b.{0,300}\ba écrit"
    r"|El\b.{0,300}\bescribió"
    r"|Op\b.{0,300}\bschreef\b.{0,150}"
    r")\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SEPARATOR = re.compile(
    r"^\s*-{3,}\s*(Original Message|Ursprüngliche Nachricht|Original[- ]Nachricht|Message d'origine)"
    r"\s*-{3,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORE_RULE = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(From|Von|De|Van)\*?\s*:\s*\S", re.IGNORECASE)
# In HTML the name is often in its own element (<b>From:</b> Support).
_HTML_HEADER_FROM = re.compile(r"^\s*(From|Von|De|Van)\s*:", re.IGNORECASE)
_HTML_HEADER_SENT = re.compile(r"\b(Sent|Gesendet|Date|Datum|Envoyé|Verzonden)\s*:", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?(Sent|Gesendet|Date|Datum|Envoyé|Verzonden)\*?\s*:", re.IGNORECASE)


def split_quoted_text(text: str) -> tuple[str, str]:
    """Split plain text into (visible, quoted); `visible + quoted == text`."""
    lines = text.splitlines(keepends=True)
    for index in range(len(lines)):
        if _quote_starts_at(lines, index):
            visible = "".join(lines[:index])
            if not visible.strip():
                break
            return visible, "".join(lines[index:])
    return text, ""


def _quote_starts_at(lines: list[str], index: int) -> bool:
    line = lines[index]
    # Separators and mail-header blocks introduce the original message, which
    # follows unquoted: all of it is the quote.
    if _SEPARATOR.match(line) or _starts_header_block(lines, index):
        return True
    if _UNDERSCORE_RULE.match(line) and _starts_header_block(lines, index + 1):
        return True
    if line.lstrip().startswith(">"):
        return _all_quoted(lines[index:])
    if not line.strip():
        return False
    for length in (1, 2):  # attributions are often wrapped onto a second line
        attribution = " ".join(part.strip() for part in lines[index:index + length])
        if _ATTRIBUTION.match(attribution):
            following = lines[index + length:]
            return any(part.strip() for part in following) and _all_quoted(following)
    return False


def _starts_header_block(lines: list[str], index: int) -> bool:
    """An Outlook-style "From: ...", then "Sent: ..." within the next lines."""
    if index >= len(lines) or not _HEADER_FROM.match(lines[index]):
        return False
    return any(_HEADER_SENT.match(line) for line in lines[index + 1:index + 5])


def _all_quoted(lines: list[str]) -> bool:
    return all(line.lstrip().startswith(">") for line in lines if line.strip())


# --- HTML -----------------------------------------------------------------

_BLOCK_TAGS = {"div", "p", "blockquote", "table", "tr", "td", "li", "ul", "ol", "pre", "hr", "h1", "h2", "h3"}
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class _Marker:
    start: int
    open_elements: list[tuple[str, str]]  # (tag, start-tag text) around the marker
    end: int | None = None  # offset of its closing tag; None while open
    rest_is_quote: bool = False  # True: everything after the marker is quote


class _QuoteFinder(HTMLParser):
    """Record where quote markers and text sit in HTML, and which elements
    are open at each marker (to cut there without unbalancing the markup)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_offsets = [0] + [match.end() for match in re.finditer("\n", html)]
        self.markers: list[_Marker] = []
        self.text_outside_markers: list[int] = []  # offsets of visible text
        self._elements: list[tuple[str, str, int]] = []  # (tag, start-tag text, offset)
        self._containers: list[tuple[_Marker, int]] = []  # open markers and their depth
        self._block_start: int | None = None  # where the current block began
        self._block_open: list[tuple[str, str]] = []  # the elements open there
        self._block_text = ""
        self._block_is_marker = False
        self._after_rule: int | None = None  # offset of an <hr> not yet followed by text
        self._after_rule_open: list[tuple[str, str]] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_offsets[line - 1] + column

    def _open_before(self, start: int) -> list[tuple[str, str]]:
        return [(tag, text) for tag, text, offset in self._elements if offset < start]

    def _add_marker(self, start: int, rest_is_quote: bool = False, around=None) -> _Marker:
        # `around`: the elements open at `start`, when they have closed since (a block ended before its text matched).
        marker = _Marker(start, self._open_before(start) if around is None else around, rest_is_quote=rest_is_quote)
        self.markers.append(marker)
        return marker

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        offset = self._offset()
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if not self._containers:
            if attributes.get("id") in ("divRplyFwdMsg", "appendonsend"):
                self._add_marker(offset, rest_is_quote=True)
            elif "gmail_quote" in classes or "moz-cite-prefix" in classes:
                self._containers.append((self._add_marker(offset), len(self._elements)))
            elif tag == "blockquote" and attributes.get("type") == "cite":
                start = offset
                # Take the attribution line ("On ... wrote:") along.
                # Only from a block whose surrounding elements are still open: one that began inside an
                # element closed since (an earlier quote) cannot be cut at without unbalancing the halves.
                if (self._block_start is not None and _ATTRIBUTION.match(self._block_text.strip())
                        and self._open_before(self._block_start) == self._block_open):
                    start = self._block_start
                self._containers.append((self._add_marker(start), len(self._elements)))
        if tag in _BLOCK_TAGS:
            self._block_start, self._block_text, self._block_is_marker = offset, "", False
            self._block_open = self._open_before(offset)
        if tag == "hr":
            self._after_rule, self._after_rule_open = offset, self._open_before(offset)
        if tag not in _VOID_TAGS:
            self._elements.append((tag, self.get_starttag_text() or f"<{tag}>", offset))

    def handle_endtag(self, tag: str) -> None:
        names = [name for name, _, _ in self._elements]
        if tag not in names:
            return  # a stray end tag
        depth = len(names) - names[::-1].index(tag) - 1
        del self._elements[depth:]
        still_open = []
        for marker, marker_depth in self._containers:
            if depth <= marker_depth:
                marker.end = self._offset()
            else:
                still_open.append((marker, marker_depth))
        self._containers = still_open

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        self._block_text += " " + data
        if self._containers:
            return
        header_block = _HTML_HEADER_FROM.match(self._block_text) and _HTML_HEADER_SENT.search(self._block_text)
        if self._after_rule is not None and _HTML_HEADER_FROM.match(data):
            self._add_marker(self._after_rule, rest_is_quote=True, around=self._after_rule_open)
        elif header_block and not self._block_is_marker:
            self._add_marker(self._block_start or 0, rest_is_quote=True, around=self._block_open)
            self._block_is_marker = True
        self._after_rule = None
        self.text_outside_markers.append(self._offset())


def split_quoted_html(html: str) -> tuple[str, str]:
    """Split HTML into (visible, quoted).

    Expects sanitized HTML (`sanitize_html`), as stored, and changes nothing
    else in it: the cut is made at an element boundary, the elements open
    there are closed at the end of `visible` and opened again at the start of
    `quoted`, so that each half is balanced on its own.
    """
    finder = _QuoteFinder(html)
    finder.feed(html)
    finder.close()
    for marker in finder.markers:
        end = marker.end if marker.end is not None else len(html)
        interleaved = any(offset >= end for offset in finder.text_outside_markers)
        if interleaved and not marker.rest_is_quote:
            continue
        visible = html[:marker.start] + "".join(f"</{tag}>" for tag, _ in reversed(marker.open_elements))
        if not html_to_text(visible).strip():
            break
        quoted = "".join(text for _, text in marker.open_elements) + html[marker.start:]
        return visible, quoted
    return html, ""
