"""The board's pages as a browser without JS and htmx use them: sign-in, post, vote, comment, R13, R19, tenants."""
import re

import pytest

from bench.querycount import count_queries
from helpdesk.core.clock import utcnow
from helpdesk.suggestions import services
from helpdesk.suggestions.models import Suggestion, SuggestionComment, SuggestionReport, SuggestionVote
from helpdesk.workspaces.models import Workspace
from tests.factories import make_workspace
from tests.helpcenter.helpers import form_fields
from tests.helpcenter.test_end_users import signed_in
from tests.helpcenter.test_scope import fill_public, set_status
from tests.suggestions.test_board import idea, person


@pytest.fixture
def acme():
    return make_workspace(name="Acme")


def board_url(workspace, rest=""):
    return f"/h/{workspace.slug}/suggestions/{rest}"


def post_form(client, workspace, **data):
    page = client.get(board_url(workspace, "new")).get_data(as_text=True)
    return client.post(board_url(workspace, "new"), data={"title": "Dark mode", "description": "Please",
                                                         "tag": "0", **form_fields(page), **data})


def test_reading_needs_nothing_and_writing_needs_a_signed_in_end_user(app, client, acme):
    posted = idea(acme, person(acme, "bob@client.example", "Bob"), description="<script>x()</script>**bold**")
    listing = client.get(board_url(acme)).get_data(as_text=True)
    assert "Dark mode for the app" in listing and listing.count("<h1") == 1
    page = client.get(board_url(acme, f"{posted.id}-{posted.slug}"))
    assert page.status_code == 200 and "<strong>bold</strong>" in page.get_data(as_text=True)
    assert "<script>x()" not in page.get_data(as_text=True)
    assert client.get(board_url(acme, f"{posted.id}-old-title")).status_code == 301
    assert client.get(board_url(acme, "new")).location.endswith("/signin")
    assert client.post(board_url(acme, f"{posted.id}/vote"),
                       data=form_fields(listing)).location.endswith("/signin")
    assert Suggestion.get_by_id(posted.id).vote_count == 1
    assert client.get(board_url(acme, "roadmap")).status_code == 200
    assert "Suggestions and roadmap" in client.get(f"/h/{acme.slug}/").get_data(as_text=True)


def test_an_end_user_posts_publicly_votes_in_place_and_comments(app, client, acme):
    signed_in(app, client, acme)
    form = client.get(board_url(acme, "new")).get_data(as_text=True)
    assert "What you post here is public" in form
    response = post_form(client, acme, title="Export <b>CSV</b>", description="Every **Monday**")
    assert response.status_code == 302
    posted = Suggestion.of(acme).get()
    assert (posted.title, posted.vote_count, posted.author.email) == ("Export <b>CSV</b>", 1, "ann@client.example")
    page = client.get(response.location).get_data(as_text=True)
    assert "Export &lt;b&gt;CSV&lt;/b&gt;" in page and "<strong>Monday</strong>" in page
    vote = client.post(board_url(acme, f"{posted.id}/vote"), data=form_fields(page), headers={"HX-Request": "true"})
    assert vote.status_code == 200 and 'aria-pressed="false"' in vote.get_data(as_text=True)
    assert Suggestion.get_by_id(posted.id).vote_count == 0
    comment = client.post(board_url(acme, f"{posted.id}/comments"), data={**form_fields(page), "body": "Also *XLSX*"})
    assert comment.status_code == 302 and "#comment-" in comment.location
    page = client.get(comment.location.split("#")[0]).get_data(as_text=True)
    assert "<em>XLSX</em>" in page and "1 comment" in page and "Change" in page
    first = SuggestionComment.get()
    reply = client.post(board_url(acme, f"{posted.id}/comments"),
                        data={**form_fields(page), "body": "Seconded", "parent": str(first.id)})
    assert reply.status_code == 302 and SuggestionComment.select().where(SuggestionComment.parent == first.id).count() == 1
    edit = board_url(acme, f"comments/{first.id}/edit")
    client.post(edit, data={**form_fields(client.get(edit).get_data(as_text=True)), "body": "Also ODS"})
    assert SuggestionComment.get_by_id(first.id).body == "Also ODS"
    client.post(board_url(acme, f"{posted.id}/report"), data={**form_fields(page), "comment": str(first.id),
                                                              "reason": "rude"})
    assert SuggestionReport.get().comment_id == first.id


def test_similar_suggestions_appear_while_the_title_is_typed(client, acme):
    idea(acme, person(acme), title="Export to spreadsheet")
    partial = client.get(board_url(acme, "similar?title=spreadsheet+exports")).get_data(as_text=True)
    assert "Export to spreadsheet" in partial and "Vote for this instead" in partial
    assert "Export" not in client.get(board_url(acme, "similar?title=dark")).get_data(as_text=True)


def test_a_refused_post_keeps_what_was_typed_and_says_why(app, client, acme):
    signed_in(app, client, acme)
    response = post_form(client, acme, title="Links", description="http://a http://b http://c http://d")
    assert response.status_code == 422 and "at most 3 links" in response.get_data(as_text=True)
    assert "http://d" in response.get_data(as_text=True) and not Suggestion.select().exists()
    response = post_form(client, acme, website="bot")
    assert response.status_code == 422 and "people do not see" in response.get_data(as_text=True)
    response = post_form(client, acme, title="")
    assert response.status_code == 422 and "Give your suggestion a title" in response.get_data(as_text=True)


def test_posts_are_rate_limited_per_account(app, client, acme):
    app.config["RATELIMIT_ENABLED"] = True
    signed_in(app, client, acme)
    try:
        codes = [post_form(client, acme, title=f"Idea {n}").status_code for n in range(6)]
    finally:
        app.config["RATELIMIT_ENABLED"] = False
    assert codes == [302] * 5 + [429] and Suggestion.select().count() == 5


def test_r13_a_lapsed_board_shows_no_form_and_takes_no_vote(app, client, acme):
    ann = signed_in(app, client, acme)
    posted = idea(acme, ann)
    set_status(acme, Workspace.LAPSED)
    page = client.get(board_url(acme, f"{posted.id}-{posted.slug}")).get_data(as_text=True)
    assert "This form is closed" in page and 'name="body"' not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(board_url(acme, f"{posted.id}/vote"), data={"csrf_token": token})
    assert response.status_code == 403 and Suggestion.get_by_id(posted.id).vote_count == 1
    assert "This form is closed" in client.get(board_url(acme, "new")).get_data(as_text=True)


def test_r19_a_cancelled_board_answers_404(client, acme):
    posted = idea(acme, person(acme))
    set_status(acme, Workspace.CANCELLED)
    assert client.get(board_url(acme)).status_code == 404
    assert client.get(board_url(acme, str(posted.id))).status_code == 404


def test_another_workspaces_suggestions_answer_404_on_every_board_route(app, client, acme):
    other = make_workspace(name="Other")
    theirs = idea(other, person(other))
    their_comment = services.add_comment(other, theirs, person(other, "x@y.example"), body="hi", parent_id=None,
                                         now=utcnow())
    signed_in(app, client, acme)
    token = form_fields(client.get(board_url(acme)).get_data(as_text=True))["csrf_token"]
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("helpcenter.board.")
             and "<int:" in rule.rule]
    assert len(rules) >= 6
    for rule in rules:
        number = their_comment.id if "comment_id" in rule.rule else theirs.id
        url = fill_public(rule, acme.slug, number)
        method = "post" if "POST" in rule.methods and "GET" not in rule.methods else "get"
        response = getattr(client, method)(url, data={"csrf_token": token, "body": "x"})
        assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
    assert SuggestionVote.of(other).count() == 1 and SuggestionComment.select().count() == 1


def test_the_board_and_a_suggestion_page_take_a_fixed_number_of_queries(app, client, acme):
    ann = signed_in(app, client, acme)
    rows = [idea(acme, ann, title=f"Idea {n}") for n in range(30)]
    for n in range(40):
        services.add_comment(acme, rows[0], ann, body=f"c{n}", parent_id=None, now=utcnow())
    for url in (board_url(acme), board_url(acme, "?sort=trending&voted=1"), board_url(acme, "roadmap"),
                board_url(acme, f"{rows[0].id}-{rows[0].slug}")):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        assert counter.count <= 6, (url, counter.statements)


def _form(page, form_id):
    """The form with `form_id` on a page: (its HTML, its fields with a value: name -> value)."""
    html = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S).group(0)
    return html, dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))


def test_each_comment_links_to_its_reply_and_report_forms_which_work_without_js(app, client, acme):
    ann = signed_in(app, client, acme)
    posted = idea(acme, person(acme, "bob@client.example", "Bob"))
    first, second = (services.add_comment(acme, posted, ann, body=text, parent_id=None, now=utcnow())
                     for text in ("First", "Second"))
    url = board_url(acme, f"{posted.id}-{posted.slug}")
    page = client.get(url).get_data(as_text=True)
    # No form per comment: a link to the page with that comment's form open, and the comment form at the end.
    assert f'href="{url}?reply_to={first.id}#reply">Reply</a>' in page and f"?report={second.id}#report" in page
    assert 'name="parent" value="' not in page and 'name="comment"' not in page and 'id="reply"' not in page
    replying = client.get(f"{url}?reply_to={second.id}").get_data(as_text=True)
    html, fields = _form(replying, "reply")
    assert replying.count('id="reply"') == 1 and fields["parent"] == str(second.id)
    assert '<label for="reply-body">Your reply</label>' in html and ">Post my reply publicly</button>" in html
    assert replying.index(f'id="comment-{second.id}"') < replying.index(html)  # under that comment
    response = client.post(board_url(acme, f"{posted.id}/comments"), data={**fields, "body": "A reply"})
    assert response.status_code == 302
    assert SuggestionComment.get(SuggestionComment.body == "A reply").parent_id == second.id
    reporting = client.get(f"{url}?report={first.id}").get_data(as_text=True)
    html, fields = _form(reporting, "report")
    assert fields["comment"] == str(first.id) and '<label for="report-reason">What is wrong with it?</label>' in html
    assert ">Report this comment</button>" in html and 'id="reply"' not in reporting
    client.post(board_url(acme, f"{posted.id}/report"), data={**fields, "reason": "off topic"})
    assert (SuggestionReport.get().comment_id, SuggestionReport.get().reason) == (first.id, "off topic")
