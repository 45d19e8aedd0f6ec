"""The operator's moderation queue across workspaces: reported and held posts and comments, newest first in
keyset pages of a fixed number of queries; hide, delete and dismiss through the workspace's own moderation,
each in the workspace's audit log and the operator's log; the page behind the second factor and CSRF."""
from datetime import timedelta

import pytest

from bench.querycount import count_queries
from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import EndUser
from helpdesk.operator import moderation
from helpdesk.operator.models import OperatorLogEntry
from helpdesk.suggestions.models import Suggestion, SuggestionComment, SuggestionReport, SuggestionVote
from tests.conftest import post, sign_in
from tests.factories import make_user, make_workspace
from tests.operator.helpers import console_client, make_operator

NOW = utcnow().replace(microsecond=0)


def _end_user(workspace, name="Rita Reader", email=None):
    return EndUser.create(workspace=workspace, name=name, email=email or f"{name.split()[0].lower()}@user.example",
                          email_verified_at=NOW)


def _post(workspace, title, minutes_ago, author=None, **values):
    at = NOW - timedelta(minutes=minutes_ago)
    return Suggestion.create(workspace=workspace, author=author, title=title, created_at=at, updated_at=at,
                             status_changed_at=at, **values)


def _comment(suggestion, body, minutes_ago, author=None, **values):
    return SuggestionComment.create(workspace=suggestion.workspace_id, suggestion=suggestion, author=author, body=body,
                                    body_html=f"<p>{body}</p>", created_at=NOW - timedelta(minutes=minutes_ago),
                                    **values)


def _report(row, reporter, minutes_ago, reason=""):
    is_comment = isinstance(row, SuggestionComment)
    return SuggestionReport.create(workspace=row.workspace_id, suggestion=row.suggestion_id if is_comment else row.id,
                                   comment=row.id if is_comment else None, reporter=reporter, reason=reason,
                                   created_at=NOW - timedelta(minutes=minutes_ago))


@pytest.fixture
def boards(app_context):
    """Two workspaces' boards: a post reported twice, a reported comment, a held post, a held comment, and
    rows that are not in the queue (a resolved report, a hidden reported post, a deleted held comment)."""
    acme, globex = make_workspace(name="Acme"), make_workspace(name="Globex")
    rita, sam = _end_user(acme), _end_user(acme, "Sam Spammer")
    gina = _end_user(globex, "Gina Globex")
    rows = {}
    rows["reported_post"] = _post(acme, "Buy cheap watches", 50, author=sam)
    _report(rows["reported_post"], rita, 40, "Spam")
    _report(rows["reported_post"], _end_user(acme, "Tom Third"), 10, "Advertising, again")
    good = _post(globex, "Dark mode", 60, author=gina, comment_count=1)
    rows["reported_comment"] = _comment(good, "You are all idiots", 30, author=_end_user(globex, "Rude Ron"))
    _report(rows["reported_comment"], gina, 20, "Insults")
    rows["held_post"] = _post(globex, "My first post", 5, author=gina, held_for_review=True)
    rows["held_comment"] = _comment(good, "First comment", 15, author=gina, held_for_review=True)
    resolved = _post(acme, "Resolved already", 3)
    SuggestionReport.create(workspace=acme, suggestion=resolved, reporter=rita, resolved_at=NOW, created_at=NOW)
    hidden = _post(acme, "Hidden by the team", 2, hidden=True, hidden_reason="x")
    _report(hidden, rita, 1)
    _comment(good, "", 1, held_for_review=True, deleted_at=NOW)
    return acme, globex, rows


def test_the_queue_lists_reported_and_held_items_of_every_workspace_newest_first(boards):
    acme, globex, rows = boards
    items, cursor = moderation.moderation_queue()
    assert [(item.kind, item.row.id) for item in items] == [
        ("post", rows["held_post"].id), ("post", rows["reported_post"].id), ("comment", rows["held_comment"].id),
        ("comment", rows["reported_comment"].id)]
    assert cursor is None
    held, reported, held_comment, comment = items
    assert held.held and held.reports == 0 and held.row.workspace.name == "Globex"
    assert reported.reports == 2 and reported.reason == "Advertising, again" and not reported.held
    assert reported.row.workspace.name == "Acme" and reported.author == ("Sam Spammer", "sam@user.example")
    assert reported.flagged_at == NOW - timedelta(minutes=10)
    assert comment.row.suggestion.title == "Dark mode" and comment.author[0] == "Rude Ron"
    assert comment.reason == "Insults" and held_comment.held


def test_the_queue_pages_by_keyset_in_a_fixed_number_of_queries(boards):
    _acme, _globex, rows = boards
    with count_queries() as first:
        page, cursor = moderation.moderation_queue(limit=3)
    assert len(page) == 3 and cursor == page[-1].cursor
    with count_queries() as second:
        rest, end = moderation.moderation_queue(before=cursor, limit=3)
    assert [item.row.id for item in rest] == [rows["reported_comment"].id] and end is None
    assert first.count == 4 and second.count == 3  # (no post on that page: no posts query)
    for n in range(20):  # more items: the same statements
        _report(_post(rows["reported_post"].workspace_id, f"More {n}", 100 + n), None, 100 + n)
    with count_queries() as bigger:
        assert len(moderation.moderation_queue(limit=3)[0]) == 3
    assert bigger.count == 4
    assert moderation.moderation_queue(before="not a cursor", limit=3)[0][0].row.id == rows["held_post"].id


def _logged(operator, workspace, action):
    audited = AuditEntry.select().where(AuditEntry.workspace_id == workspace.id, AuditEntry.actor_id == operator.id,
                                        AuditEntry.action == f"operator.{action}").exists()
    own = OperatorLogEntry.select().where(OperatorLogEntry.operator == operator, OperatorLogEntry.action == action,
                                          OperatorLogEntry.workspace_id == workspace.id).exists()
    return audited and own


def test_hide_resolves_the_reports_and_keeps_the_reason_for_its_author(boards):
    acme, _globex, rows = boards
    operator = make_operator()
    row = moderation.find_item("post", rows["reported_post"].id)
    moderation.hide(operator, row, "  Advertising is not allowed here.  ", now=NOW)
    stored = Suggestion.get_by_id(row.id)
    assert stored.hidden and stored.hidden_reason == "Advertising is not allowed here."
    assert not SuggestionReport.select().where(SuggestionReport.suggestion == row.id,
                                               SuggestionReport.resolved_at.is_null()).exists()
    assert SuggestionReport.get(SuggestionReport.suggestion == row.id).resolved_by_id == operator.id
    assert _logged(operator, acme, "moderation_hide")
    assert AuditEntry.select().where(AuditEntry.workspace_id == acme.id, AuditEntry.action == "suggestion.hidden").exists()
    assert row.id not in [item.row.id for item in moderation.moderation_queue()[0] if item.kind == "post"]


def test_delete_a_post_or_a_comment(boards):
    acme, globex, rows = boards
    operator = make_operator()
    SuggestionVote.create(workspace=acme, suggestion=rows["reported_post"], email="v@user.example")
    moderation.delete(operator, moderation.find_item("post", rows["reported_post"].id), now=NOW)
    assert not Suggestion.select().where(Suggestion.id == rows["reported_post"].id).exists()
    assert not SuggestionVote.select().exists()
    moderation.delete(operator, moderation.find_item("comment", rows["reported_comment"].id), now=NOW)
    erased = SuggestionComment.get_by_id(rows["reported_comment"].id)
    assert erased.deleted_at and erased.body == ""
    assert _logged(operator, acme, "moderation_delete") and _logged(operator, globex, "moderation_delete")
    assert [item.kind for item in moderation.moderation_queue()[0]] == ["post", "comment"]  # the held ones
    with pytest.raises(moderation.ModerationGone):
        moderation.find_item("comment", rows["reported_comment"].id)
    with pytest.raises(moderation.ModerationGone):
        moderation.find_item("post", rows["reported_post"].id)


def test_dismiss_clears_the_reports_or_releases_the_hold(boards):
    _acme, globex, rows = boards
    operator = make_operator()
    assert moderation.dismiss(operator, moderation.find_item("comment", rows["reported_comment"].id), now=NOW) == (1, False)
    assert not SuggestionComment.get_by_id(rows["reported_comment"].id).hidden
    assert moderation.dismiss(operator, moderation.find_item("comment", rows["held_comment"].id), now=NOW) == (0, True)
    assert not SuggestionComment.get_by_id(rows["held_comment"].id).held_for_review
    assert Suggestion.get_by_id(rows["held_comment"].suggestion_id).comment_count == 2  # recounted: now visible
    moderation.dismiss(operator, moderation.find_item("post", rows["held_post"].id), now=NOW)
    assert not Suggestion.get_by_id(rows["held_post"].id).held_for_review
    assert _logged(operator, globex, "moderation_dismiss")
    assert [item.row.id for item in moderation.moderation_queue()[0]] == [rows["reported_post"].id]


def _queue_client(app):
    with app.app_context():
        acme = make_workspace(name="Acme")
        spammer = _end_user(acme, "Sam <script>alert(1)</script>")
        spam = _post(acme, "<script>alert('post')</script> " + "W" * 160, 5, author=spammer,
                     description="Buy <b>now</b>")
        _report(spam, _end_user(acme), 1, "<img src=x onerror=alert(1)>")
    client, operator = console_client(app)
    return client, operator, acme, spam


def test_the_page_shows_the_queue_escaped_and_its_actions_work(app):
    client, operator, acme, spam = _queue_client(app)
    page = client.get("/operator/moderation")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Acme" in html and "1 report" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;post&#39;)" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="/operator/moderation"' in client.get("/operator/dashboard").get_data(as_text=True)  # in the nav

    refused = post(client, f"/operator/moderation/post/{spam.id}/hide", {"reason": "  "})
    assert refused.status_code == 422 and "Say why" in refused.get_data(as_text=True)
    assert not Suggestion.get_by_id(spam.id).hidden
    hidden = post(client, f"/operator/moderation/post/{spam.id}/hide", {"reason": "Spam"})
    assert hidden.status_code == 302 and Suggestion.get_by_id(spam.id).hidden
    assert "Hidden" in client.get(hidden.headers["Location"]).get_data(as_text=True)
    assert _logged(operator, acme, "moderation_hide")

    confirm = client.get(f"/operator/moderation/post/{spam.id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.get_data(as_text=True)
    assert Suggestion.select().where(Suggestion.id == spam.id).exists()  # asking deletes nothing
    assert post(client, f"/operator/moderation/post/{spam.id}/delete").status_code == 302
    assert not Suggestion.select().where(Suggestion.id == spam.id).exists()
    gone = post(client, f"/operator/moderation/post/{spam.id}/dismiss")
    assert gone.status_code == 302 and "not there any more" in client.get(gone.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/operator/moderation/post/{spam.id}/delete").status_code == 404
    assert client.get("/operator/moderation/other/1/delete").status_code == 404


def test_a_post_without_its_csrf_token_changes_nothing(app):
    client, operator, _acme, spam = _queue_client(app)
    for action, data in (("hide", {"reason": "Spam"}), ("delete", {}), ("dismiss", {})):
        response = client.post(f"/operator/moderation/post/{spam.id}/{action}", data=data)
        assert response.status_code == 400
    stored = Suggestion.get_by_id(spam.id)
    assert not stored.hidden and SuggestionReport.get().resolved_at is None
    assert not OperatorLogEntry.select().where(OperatorLogEntry.action.startswith("moderation")).exists()


def test_only_an_operator_past_the_second_factor_reaches_the_queue(app):
    _client, _operator, _acme, spam = _queue_client(app)
    with app.app_context():
        fresh = make_operator("second@service.example")  # no second factor set up yet
        person = make_user(email="agent@team.example")
    without_factor = app.test_client()
    sign_in(without_factor, fresh)
    response = without_factor.get("/operator/moderation")
    assert response.status_code == 302 and "/operator/second-factor/setup" in response.headers["Location"]
    refused = post(without_factor, f"/operator/moderation/post/{spam.id}/dismiss")
    assert refused.status_code == 302 and "second-factor" in refused.headers["Location"]
    somebody = app.test_client()
    sign_in(somebody, person)
    assert somebody.get("/operator/moderation").status_code == 404
    assert post(somebody, f"/operator/moderation/post/{spam.id}/dismiss").status_code == 404
    assert app.test_client().get("/operator/moderation").status_code == 302  # to the sign-in page
    assert SuggestionReport.get().resolved_at is None


def test_the_page_runs_the_same_statements_for_more_items_and_authors(app, boards):
    from helpdesk.customers.models import Customer

    acme, _globex, _rows = boards
    client, _operator = console_client(app)
    with count_queries() as few:
        assert client.get("/operator/moderation").status_code == 200
    for n in range(10):  # posts made for customers, by agents, by end users: authors come with the rows
        customer = Customer.create(workspace=acme, name=f"Customer {n}", email=f"c{n}@customer.example")
        _report(_post(acme, f"More {n}", 200 + n, author_customer=customer, created_by=make_user()), None, 200 + n)
    with count_queries() as more:
        page = client.get("/operator/moderation").get_data(as_text=True)
    assert "Customer 9" in page and more.count == few.count
