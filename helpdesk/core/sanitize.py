"""Make untrusted HTML (mail bodies, posts) safe to show, and turn HTML into text.

`sanitize_html` keeps an allow-list of formatting tags and attributes (nh3, the
Python binding of the ammonia sanitizer). Everything that can run code or drive
the page is dropped: scripts, styles, event handlers, forms, and every `hx-*` /
`data-hx-*` attribute, so htmx never acts on what a stranger wrote.

Remote images are a privacy leak (they tell the sender when and where a mail was
read), so by default their URL is moved out of `src` into `data-remote-src`; the
page can offer a "load images" button that copies it back.

`html_to_text` renders HTML as readable plain text, for search indexing and for
mails that carry no text/plain part.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

__all__ = ["sanitize_html", "html_to_text", "REMOTE_IMAGE_ALT"]

REMOTE_IMAGE_ALT = "[remote image blocked]"

_ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center",
    "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "tt", "u", "ul", "var",
}

# Tags dropped together with their content: scripts, styles, form controls, and
# the page title, which mail clients never show.
_DROPPED_WITH_CONTENT = {"script", "style", "title", "template", "noscript", "textarea", "select"}

_TABLE_CELL = {"align", "valign", "width", "height", "colspan", "rowspan", "bgcolor"}
_ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "data-remote-src"},
    "font": {"color", "face", "size"},
    "table": {"align", "width", "border", "cellpadding", "cellspacing", "bgcolor"},
    "td": _TABLE_CELL,
    "th": _TABLE_CELL,
    "tr": {"align", "valign", "bgcolor"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type"},
    "li": {"value"},
    "q": {"cite"},
}

# Kept only with these exact values, so that quoted-text folding still finds the
# markers that Gmail, Apple Mail and Outlook leave in replies.
_MARKER_ATTRIBUTE_VALUES = {
    "blockquote": {"type": {"cite"}},
    "div": {"id": {"divRplyFwdMsg", "appendonsend"}},
}
_MARKER_CLASSES = {
    "div": {"gmail_quote", "gmail_attr", "moz-cite-prefix"},
    "blockquote": {"gmail_quote"},
}

# CSS that only changes how text looks: nothing that positions, overlays or
# loads anything (values such as url(...) are not valid for these properties).
_ALLOWED_STYLE_PROPERTIES = {
    "color", "background-color", "font-family", "font-size", "font-style",
    "font-weight", "text-align", "text-decoration", "vertical-align",
}

_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
_REMOTE_PREFIXES = ("http://", "https://")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop URL values that are allowed by scheme but wrong for their place."""
    url = value.strip().lower()
    if attribute == "href" and url.startswith(("data:", "cid:")):
        return None
    if attribute == "src" and url.startswith("data:") and not url.startswith("data:image/"):
        return None
    if attribute == "src" and url.startswith(("mailto:", "tel:")):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes=_ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    link_rel="nofollow noopener noreferrer",
    tag_attribute_values=_MARKER_ATTRIBUTE_VALUES,
    set_tag_attribute_values={"a": {"target": "_blank"}},
    url_schemes=_URL_SCHEMES,
    allowed_classes=_MARKER_CLASSES,
    filter_style_properties=_ALLOWED_STYLE_PROPERTIES,
    # A relative URL in a mail has no base, and the browser would resolve it
    # against this application.
    url_relative="deny",
)

# nh3 serializes canonically (attribute values double-quoted, with `"` and `>`
# escaped), so a tag and its attributes can be matched reliably in its output.
_IMG_TAG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([^\s="]+)(?:="([^"]*)")?')


def sanitize_html(html_text: str, allow_remote_images: bool = False) -> str:
    """Return `html_text` reduced to safe formatting markup.

    Links get `rel="nofollow noopener noreferrer"` and `target="_blank"`.
    `cid:` and `data:image/` sources are kept (the caller rewrites `cid:` to
    attachment URLs). Unless `allow_remote_images` is true, an image with an
    http(s) source loses its `src`: the URL moves to `data-remote-src` and the
    image gets an alt text saying it was blocked.
    """
    # Style filtering can leave an empty attribute behind.
    cleaned = _CLEANER.clean(html_text or "").replace(' style=""', "")
    if allow_remote_images:
        return cleaned
    return _IMG_TAG.sub(_block_remote_source, cleaned)


def _block_remote_source(match: re.Match) -> str:
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    source = html.unescape(attributes.get("src", ""))
    if not source.strip().lower().startswith(_REMOTE_PREFIXES):
        return match.group(0)
    del attributes["src"]
    attributes["data-remote-src"] = html.escape(source)
    if not attributes.get("alt"):
        attributes["alt"] = REMOTE_IMAGE_ALT
    rendered = "".join(f' {name}="{value}"' for name, value in attributes.items())
    return f"<img{rendered}>"


# --- HTML to text ---------------------------------------------------------

# Blocks that stand apart as paragraphs, and blocks that only start a new line.
_PARAGRAPH_TAGS = {
    "blockquote", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre",
    "table", "ul",
}
_LINE_TAGS = {
    "address", "article", "aside", "caption", "center", "dd", "div", "dt",
    "figcaption", "figure", "footer", "header", "li", "nav", "section", "tr",
}
_TEXT_ONLY_ATTRIBUTES = {"a": {"href"}}


class _TextExtractor(HTMLParser):
    """Collect the text of sanitized HTML, with line breaks where blocks end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        # Newlines at the end of the output so far; the start counts as a
        # paragraph break so that the text does not begin with blank lines.
        self._newlines = 2
        self._pre_depth = 0
        self._links: list[tuple[str | None, int]] = []

    def _emit(self, text: str) -> None:
        if not text:
            return
        self.chunks.append(text)
        without_newlines = text.rstrip("\n")
        if without_newlines:
            self._newlines = len(text) - len(without_newlines)
        else:
            self._newlines += len(text)

    def _break(self, newlines: int) -> None:
        """End the current line (1) or paragraph (2), unless already done."""
        if self._newlines < newlines:
            self._emit("\n" * (newlines - self._newlines))

    def _block_boundary(self, tag: str) -> None:
        if tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag in _LINE_TAGS:
            self._break(1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._emit("\n")
        self._block_boundary(tag)
        if tag in ("td", "th") and not self._newlines:
            self._emit(" ")
        elif tag == "li":
            self._emit("- ")
        elif tag == "pre":
            self._pre_depth += 1
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.chunks)))

    def handle_endtag(self, tag: str) -> None:
        self._block_boundary(tag)
        if tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.chunks[start:])
            # Show where a link goes, unless its text already says so.
            if href and href.lower().startswith(_REMOTE_PREFIXES) and href not in label:
                self._emit(f" ({href})")

    def handle_data(self, data: str) -> None:
        if self._pre_depth:
            self._emit(data)
            return
        text = re.sub(r"[ \t\r\n\f]+", " ", data)
        self._emit(text.lstrip(" ") if self._newlines else text)


def html_to_text(html_text: str) -> str:
    """Render HTML as plain text: block elements become line breaks, links
    keep their address in brackets, scripts, styles and the title disappear."""
    cleaned = nh3.clean(
        html_text or "",
        tags=_ALLOWED_TAGS - {"img"},
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=_TEXT_ONLY_ATTRIBUTES,
        link_rel=None,
        url_schemes=_URL_SCHEMES,
    )
    extractor = _TextExtractor()
    extractor.feed(cleaned)
    extractor.close()
    text = "".join(extractor.chunks).replace("\xa0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
