"""In Chromium: the operator's moderation queue with hostile posts and comments (a 280-character word,
<script>, right-to-left text) fits at 1366x850 and 390x844; the operator hides one with a reason, deletes
one after the confirmation page and dismisses the reports of a third (screenshots under
test-artifacts/screenshots/)."""
from helpdesk.suggestions.models import Suggestion, SuggestionComment, SuggestionReport
from tests.factories import make_workspace
from tests.operator.helpers import make_operator
from tests.operator.test_console_browser import HOSTILE, LAPTOP, LONG, _both_widths, _into_console
from tests.operator.test_moderation import _comment, _end_user, _post, _report

RTL = "הצעה מצוינת, אבל זה ספאם — مرحبا بالعالم"


def test_an_operator_works_through_the_moderation_queue(app, new_page, shots):
    with app.app_context():
        operator = make_operator()
        acme = make_workspace(name=f"Acme {HOSTILE}"[:120])
        rtl_team = make_workspace(name=f"צוות {RTL}"[:120])
        spammer = _end_user(acme, f"Sam {LONG}"[:200], email="sam@user.example")
        reader = _end_user(acme, "Rita Reader")
        spam = _post(acme, HOSTILE[:200], 30, author=spammer, description=f"{HOSTILE}\n{RTL}\n" * 3)
        _report(spam, reader, 5, HOSTILE[:500])
        _report(spam, _end_user(acme, "Tom"), 4, "Spam")
        board_post = _post(rtl_team, RTL, 60, author=_end_user(rtl_team, RTL), comment_count=1)
        rude = _comment(board_post, f"{RTL} {LONG}", 20, author=_end_user(rtl_team, "Ron"))
        _report(rude, _end_user(rtl_team, "Gina"), 3, RTL)
        _post(rtl_team, f"First post {LONG}"[:200], 2, author=_end_user(rtl_team, "Newbie"), held_for_review=True)

    page = new_page(expected_errors=("status of 422",))  # the hide sent without a reason
    page.set_viewport_size(LAPTOP)
    _into_console(app, page, operator)
    page.get_by_role("link", name="Moderation").click()
    assert page.get_by_role("heading", name="Moderation", level=1).is_visible()
    assert page.get_by_text("2 reports").is_visible()
    _both_widths(page, shots, "moderation-queue")

    spam_item = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=HOSTILE[:30]))
    spam_item.get_by_text("Hide…").click()
    spam_item.get_by_role("button", name="Hide it").click()
    assert page.get_by_text("Say why: its author reads the reason.").is_visible()
    _both_widths(page, shots, "moderation-hide-refused")
    spam_item.get_by_label("Reason (its author reads it)").fill("Advertising is not allowed on this board.")
    spam_item.get_by_role("button", name="Hide it").click()
    assert page.get_by_text("Hidden: only its author sees it now").is_visible()

    rude_item = page.get_by_role("listitem").filter(has=page.get_by_text("Comment on"))
    rude_item.get_by_role("link", name="Delete…").click()
    assert page.get_by_role("heading", name="Delete this comment?").is_visible()
    _both_widths(page, shots, "moderation-delete")
    page.get_by_role("button", name="Delete the comment").click()
    assert page.get_by_text("The comment is deleted").is_visible()

    page.get_by_role("button", name="Publish, nothing wrong").click()
    assert page.get_by_text("Published: it no longer waits for review.").is_visible()
    assert page.get_by_text("Nothing waits").is_visible()
    with app.app_context():
        assert Suggestion.get_by_id(spam.id).hidden
        assert SuggestionComment.get_by_id(rude.id).deleted_at is not None
        assert not SuggestionReport.select().where(SuggestionReport.resolved_at.is_null()).exists()
        assert not Suggestion.select().where(Suggestion.held_for_review == True).exists()  # noqa: E712
