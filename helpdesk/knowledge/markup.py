"""Article Markdown to safe HTML, plain text and a table of contents (done once, when an article is saved).

Markdown (tables, fenced code, heading anchors) is rendered by python-markdown, then reduced by nh3
to an allow-list: no script, style, event handler, form or `hx-*` attribute survives, and the page
shows it inside `hx-disable`. `#` headings become <h2> like `##` ones (the article title is the page's one <h1>);
each heading gets an id prefixed "s-" (no clash with the page's own ids) and a "#" link to itself.
"""
import re

import markdown
import nh3
from markdown.extensions.toc import TocExtension

from helpdesk.core.sanitize import html_to_text
from helpdesk.core.slugs import slugify

TOC_MIN_HEADINGS = 3  # a table of contents is shown from this many headings on
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5",
         "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
         "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
               "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
               "th": {"align", "colspan", "rowspan"}, "td": {"align", "colspan", "rowspan"}, "ol": {"start"}}
_CLEANER = nh3.Cleaner(tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                       clean_content_tags={"script", "style", "textarea", "select", "template"},
                       link_rel="noopener noreferrer", allowed_classes={"a": {"anchor"}},
                       strip_comments=True)


def _slug(value, separator):
    return "s-" + slugify(value, max_length=60, fallback="section", separator=separator)


def _flatten(tokens):
    for token in tokens:
        yield [token["level"], token["id"], token["name"]]
        yield from _flatten(token["children"])


def clean_text(text):
    """Text without control characters (PostgreSQL refuses NUL; snippets use \\x02/\\x03 as markers)."""
    return _CONTROL.sub("", text or "")


def render_markdown(body):
    """(sanitized HTML, plain text, headings [[level, id, text], ...]) of an article's Markdown."""
    converter = markdown.Markdown(extensions=[
        "tables", "fenced_code", "sane_lists",
        TocExtension(slugify=_slug, permalink="#", permalink_class="anchor",
                     permalink_title=""),
    ])
    raw = re.sub(r"<(/?)h1\b", r"<\1h2", converter.convert(clean_text(body)))
    headings = [[max(level, 2), anchor, html_to_text(name)] for level, anchor, name in _flatten(converter.toc_tokens)]
    html = _CLEANER.clean(raw)
    text = html_to_text(re.sub(r'<a class="anchor"[^>]*>#</a>', "", html))
    return html, clean_text(text), headings
