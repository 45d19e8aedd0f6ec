"""split_quoted_text / split_quoted_html fold the quoted tail of replies, and nothing else."""

from hypothesis import given, settings, strategies as st

from helpdesk.core.sanitize import sanitize_html
from helpdesk.mail.quoting import split_quoted_html, split_quoted_text


# --- plain text ---------------------------------------------------------------

def test_gt_quote_after_attribution_is_folded_with_the_attribution():
    text = ("Thanks, that fixed it.\n\n"
            "On Mon, Jan 1, 2024 at 10:00 AM Support <help@example.com> wrote:\n> Try again.\n>\n> Bye\n")
    visible, quoted = split_quoted_text(text)
    assert visible == "Thanks, that fixed it.\n\n"
    assert quoted.startswith("On Mon, Jan 1, 2024") and quoted.endswith("> Bye\n")


def test_attribution_wrapped_over_two_lines():
    text = "Yes.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Support <\nhelp@example.com> wrote:\n> Try again.\n"
    assert split_quoted_text(text) == ("Yes.\n\n", text[len("Yes.\n\n"):])


def test_german_attribution():
    text = "Danke!\n\nAm 07.05.2012 08:10, schrieb Martin Edenhofer via Znuny Team:\n> Hallo Marc,\n"
    visible, quoted = split_quoted_text(text)
    assert visible == "Danke!\n\n" and quoted.startswith("Am 07.05.2012")


def test_original_message_separator_folds_everything_after_it():
    text = "See below.\n\n-----Original Message-----\nFrom: A\nSent: Monday\n\nOld text\n"
    assert split_quoted_text(text) == ("See below.\n\n", text[len("See below.\n\n"):])


def test_outlook_header_block():
    text = ("Done.\n\n________________________________\nFrom: Support <help@example.com>\n"
            "Sent: Monday, 1 January 2024 10:00\nTo: me\nSubject: Re: x\n\nOld text\n")
    visible, quoted = split_quoted_text(text)
    assert visible == "Done.\n\n" and quoted.startswith("____")


def test_german_outlook_header_block():
    text = "Erledigt.\n\nVon: Support <help@example.com>\nGesendet: Montag, 1. Januar 2024 10:00\nAn: mich\n\nAlt\n"
    assert split_quoted_text(text)[0] == "Erledigt.\n\n"


def test_interleaved_answers_are_not_folded():
    text = "> Does it work?\nYes.\n> And the other thing?\nAlso yes.\n"
    assert split_quoted_text(text) == (text, "")


def test_only_the_trailing_quote_is_folded():
    text = "> Does it work?\nYes.\n\nOn Monday X wrote:\n> Does it work?\n"
    visible, quoted = split_quoted_text(text)
    assert visible == "> Does it work?\nYes.\n\n" and quoted.startswith("On Monday")


def test_a_message_that_is_all_quote_is_shown_whole():
    text = "> only a quote\n> nothing else\n"
    assert split_quoted_text(text) == (text, "")


def test_text_without_quote():
    assert split_quoted_text("Hello,\nplease help.\n") == ("Hello,\nplease help.\n", "")
    assert split_quoted_text("") == ("", "")


def test_a_sentence_starting_with_on_is_no_attribution():
    text = "Hi,\n\nOn Monday the server crashed.\n> log line\n"
    # "On Monday the server crashed." is not followed by ":" so it is no attribution,
    # but the final ">" block is still a trailing quote.
    assert split_quoted_text(text) == ("Hi,\n\nOn Monday the server crashed.\n", "> log line\n")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_split_text_loses_nothing(text):
    visible, quoted = split_quoted_text(text)
    assert visible + quoted == text


# --- HTML ---------------------------------------------------------------------

def test_gmail_quote():
    html = sanitize_html(
        '<div dir="ltr">Reply here</div><br><div class="gmail_quote"><div class="gmail_attr">'
        'On Mon, Jan 1, 2024 Support wrote:<br></div><blockquote class="gmail_quote">old</blockquote></div>'
    )
    visible, quoted = split_quoted_html(html)
    assert "Reply here" in visible and "old" not in visible
    assert quoted.startswith('<div class="gmail_quote">') and "On Mon" in quoted and "old" in quoted


def test_apple_mail_blockquote_takes_the_attribution_along():
    html = sanitize_html(
        "<div><div>Answer</div><div><br><div>On 1 Jan 2024, at 10:00, Support wrote:</div><br>"
        '<blockquote type="cite"><div>old text</div></blockquote></div></div>'
    )
    visible, quoted = split_quoted_html(html)
    assert visible == "<div><div>Answer</div><div><br></div></div>"
    assert quoted == (
        "<div><div><div>On 1 Jan 2024, at 10:00, Support wrote:</div><br>"
        '<blockquote type="cite"><div>old text</div></blockquote></div></div>'
    )


def test_outlook_reply_header():
    html = sanitize_html(
        '<div><p>Answer</p><div id="appendonsend"></div><hr><div id="divRplyFwdMsg">'
        "<b>From:</b> Support<br><b>Sent:</b> Monday</div><div>old</div></div>"
    )
    visible, quoted = split_quoted_html(html)
    assert visible == "<div><p>Answer</p></div>"
    assert "divRplyFwdMsg" in quoted and "old" in quoted


def test_rule_followed_by_from_line():
    html = "<p>Answer</p><hr><p><b>From:</b> Support</p><p>old</p>"
    visible, quoted = split_quoted_html(html)
    assert visible == "<p>Answer</p>" and quoted.startswith("<hr>")


def test_outlook_desktop_header_paragraph():
    html = "<p>Answer</p><p><b>From:</b> Support<br><b>Sent:</b> Monday<br><b>To:</b> me</p><p>old</p>"
    visible, quoted = split_quoted_html(html)
    assert visible == "<p>Answer</p>" and "old" in quoted


def test_interleaved_html_answers_are_not_folded():
    html = '<blockquote type="cite">q1</blockquote><p>a1</p><blockquote type="cite">q2</blockquote><p>a2</p>'
    assert split_quoted_html(html) == (html, "")


def test_only_the_trailing_html_quote_is_folded():
    html = '<blockquote type="cite">q1</blockquote><p>a1</p><blockquote type="cite">q2</blockquote>'
    assert split_quoted_html(html) == (
        '<blockquote type="cite">q1</blockquote><p>a1</p>',
        '<blockquote type="cite">q2</blockquote>',
    )


def test_html_that_is_all_quote_is_shown_whole():
    html = '<blockquote type="cite">only a quote</blockquote>'
    assert split_quoted_html(html) == (html, "")


def test_html_without_quote_is_unchanged():
    html = '<p>Hello <a href="/w/acme/attachments/1">file</a></p>'
    assert split_quoted_html(html) == (html, "")


def test_attachment_urls_written_by_the_page_are_kept():
    # The ticket page rewrites cid: images to relative attachment URLs before folding.
    html = '<p>See <img src="/w/acme/tickets/1/attachments/2?inline=1"></p><blockquote type="cite">old</blockquote>'
    visible, _ = split_quoted_html(html)
    assert 'src="/w/acme/tickets/1/attachments/2?inline=1"' in visible


def test_a_header_block_ending_after_its_table_cuts_at_a_balanced_place():
    # Found by the fuzzer below: "From:" in a cell, "Sent:" after the table closed.
    html = sanitize_html("<b>From:</b><table><tr><td><b>From:</b></td></tr></table> Sent: x")
    visible, quoted = split_quoted_html(html)
    assert visible == "<b>From:</b><table><tbody><tr></tr></tbody></table>"
    assert quoted.startswith("<table><tbody><tr><td><b>From:</b>")


def test_an_attribution_whose_block_began_inside_a_closed_quote_keeps_both_halves_balanced():
    # Found by the fuzzer below: the block before "On ... wrote:" began inside the first quote, closed since.
    html = sanitize_html('<blockquote type="cite"><b>From:</b><div></blockquote>On Monday X wrote:'
                         '<blockquote type="cite">')
    visible, quoted = split_quoted_html(html)
    assert visible == '<blockquote type="cite"><b>From:</b><div></div></blockquote>On Monday X wrote:'
    assert quoted == '<blockquote type="cite"></blockquote>'


html_soup = st.lists(st.sampled_from([
    "<div>", "</div>", "<p>", "</p>", '<blockquote type="cite">', "</blockquote>", '<div class="gmail_quote">',
    '<div id="divRplyFwdMsg">', "<hr>", "<br>", "<b>From:</b>", " Sent: x", "On Monday X wrote:", "text",
    "<table><tr><td>", "</td></tr></table>", "&nbsp;", "<", ">", "&",
]), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(html_soup)
def test_split_html_halves_are_balanced(html):
    cleaned = sanitize_html(html)
    visible, quoted = split_quoted_html(cleaned)
    # Balanced halves come out of the sanitizer unchanged.
    assert sanitize_html(visible) == visible
    assert sanitize_html(quoted) == quoted
