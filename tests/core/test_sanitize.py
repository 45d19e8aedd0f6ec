"""sanitize_html keeps formatting and drops everything active; html_to_text reads HTML as text."""

import pytest

from helpdesk.core.sanitize import REMOTE_IMAGE_ALT, html_to_text, sanitize_html


def test_keeps_formatting_links_lists_tables_and_quotes():
    html = (
        "<p>Hello <b>bold</b> <i>it</i> <u>u</u></p><ul><li>one</li></ul><ol><li>two</li></ol>"
        "<table><tr><td colspan=\"2\">cell</td></tr></table><blockquote>quoted</blockquote>"
        "<pre><code>x = 1</code></pre>"
    )
    cleaned = sanitize_html(html)
    for fragment in ("<b>bold</b>", "<i>it</i>", "<li>one</li>", "<ol>", '<td colspan="2">cell</td>',
                     "<blockquote>quoted</blockquote>", "<pre><code>x = 1</code></pre>"):
        assert fragment in cleaned


def test_links_get_rel_and_a_new_tab():
    cleaned = sanitize_html('<a href="https://example.com/x">x</a>')
    assert 'href="https://example.com/x"' in cleaned
    assert 'rel="nofollow noopener noreferrer"' in cleaned
    assert 'target="_blank"' in cleaned


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>",
    "<style>body { display: none }</style>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<form action="/delete"><button>go</button></form>',
    '<div style="position:fixed;top:0">overlay</div>',
    '<svg onload="alert(1)"></svg>',
])
def test_removes_active_content(html):
    cleaned = sanitize_html(html).lower()
    for needle in ("<script", "alert(1)</", "onerror", "onload", "javascript:", "data:text", "<iframe",
                   "<form", "<style", "position", "<svg"):
        assert needle not in cleaned


def test_no_htmx_attribute_survives():
    html = (
        '<div hx-get="/w/acme/tickets/1/close" hx-trigger="load" data-hx-trigger="load" '
        'data-hx-post="/x" hx-post="/y" hx-swap="outerHTML" hx-on:click="alert(1)">text</div>'
        '<a href="https://example.com" hx-boost="true" hx-target="body">link</a>'
    )
    cleaned = sanitize_html(html)
    assert "hx-" not in cleaned
    assert "text" in cleaned and "link" in cleaned


def test_relative_urls_are_dropped():
    # A relative URL would point at this application.
    cleaned = sanitize_html('<a href="/logout">a</a><img src="/w/acme/close"><img src="//evil.example/p.gif">')
    assert "/logout" not in cleaned and "/w/acme" not in cleaned and "evil.example" not in cleaned


def test_remote_images_are_blocked_by_default():
    cleaned = sanitize_html('<img src="https://tracker.example/p.gif?id=1&amp;u=2" width="1">')
    assert " src=" not in cleaned
    assert 'data-remote-src="https://tracker.example/p.gif?id=1&amp;u=2"' in cleaned
    assert f'alt="{REMOTE_IMAGE_ALT}"' in cleaned
    assert 'width="1"' in cleaned


def test_blocked_remote_image_keeps_its_own_alt_text():
    cleaned = sanitize_html('<img src="http://example.com/logo.png" alt="Logo">')
    assert 'alt="Logo"' in cleaned and " src=" not in cleaned


def test_remote_images_load_when_allowed():
    cleaned = sanitize_html('<img src="https://example.com/logo.png">', allow_remote_images=True)
    assert 'src="https://example.com/logo.png"' in cleaned


def test_cid_and_data_images_are_kept():
    cleaned = sanitize_html('<img src="cid:image001.png@01D"><img src="data:image/png;base64,iVBORw0KGgo=">')
    assert 'src="cid:image001.png@01D"' in cleaned
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in cleaned


def test_sanitizing_twice_changes_nothing():
    once = sanitize_html('<p style="color:red;position:absolute">a<img src="https://x.example/i.png"></p>')
    assert sanitize_html(once) == once


def test_quote_markers_survive_for_folding():
    cleaned = sanitize_html(
        '<div class="gmail_quote other">q</div><blockquote type="cite">c</blockquote>'
        '<div id="divRplyFwdMsg">o</div><div id="evil">x</div>'
    )
    assert 'class="gmail_quote"' in cleaned
    assert 'type="cite"' in cleaned
    assert 'id="divRplyFwdMsg"' in cleaned
    assert 'id="evil"' not in cleaned


def test_html_to_text_renders_blocks_lists_and_links():
    html = (
        "<html><head><title>Newsletter</title><style>p{}</style></head><body>"
        "<p>Hello&nbsp;<b>world</b></p><div>line one</div><div>line two<br>line three</div>"
        '<ul><li>first</li><li>second</li></ul><a href="https://example.com">our site</a>'
        "<script>alert(1)</script></body></html>"
    )
    assert html_to_text(html) == (
        "Hello world\n\nline one\nline two\nline three\n\n- first\n- second\n\n"
        "our site (https://example.com)"
    )


def test_html_to_text_keeps_preformatted_text():
    assert html_to_text("<pre>  a\n    b</pre>") == "  a\n    b"


def test_html_to_text_of_nothing_is_empty():
    assert html_to_text("") == ""
    assert html_to_text("<div><br></div>") == ""
