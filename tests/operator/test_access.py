"""The console's door: operators only, a second factor (TOTP or single-use recovery codes) set up at
the first visit and passed in every sign-in; copied cookies and signed-out sessions get nothing."""
import pytest
from click.testing import CliRunner

from helpdesk.accounts.models import User
from helpdesk.core.audit import AuditEntry
from helpdesk.core.clock import utcnow
from helpdesk.operator import access
from helpdesk.operator.models import OperatorFactor, OperatorSignIn, RecoveryCode
from tests.conftest import post, sign_in
from tests.factories import make_user, make_workspace
from tests.operator.helpers import code_at, console_client, make_operator, set_up_factor, totp_of


def _operator_rules(app):
    """Every console URL (GET form), with made-up ids for its arguments (an `any(...)` part: its first choice)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("operator."):
            values = {arg: min(getattr(rule._converters[arg], "items", None) or [1]) for arg in rule.arguments}
            urls.append((rule, rule.build(values)[1]))
    assert len(urls) >= 5
    return urls


def _request(client, rule, url):
    method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
    return post(client, url) if method == "POST" else client.open(url, method=method)


def test_a_non_operator_gets_404_on_every_console_route(app):
    workspace = make_workspace()
    owner = workspace.membership_set.get().user
    client = app.test_client()
    sign_in(client, owner)
    for rule, url in _operator_rules(app):
        assert _request(client, rule, url).status_code == 404, url


def test_an_anonymous_visitor_is_sent_to_sign_in_on_every_console_route(app):
    client = app.test_client()
    for rule, url in _operator_rules(app):
        response = _request(client, rule, url)
        assert response.status_code in (302, 400), url  # 400: a POST without a session has no CSRF token
        if response.status_code == 302:
            assert "/signin" in response.location


def test_an_operator_without_the_second_factor_reaches_only_its_setup(app):
    operator = make_operator()
    client = app.test_client()
    sign_in(client, operator)
    for rule, url in _operator_rules(app):
        if rule.endpoint in access.BEFORE_SECOND_FACTOR:
            continue
        response = _request(client, rule, url)
        assert response.status_code == 302, url
        assert "/operator/second-factor/setup" in response.location


def test_setup_shows_a_qr_code_as_an_image_and_confirms_with_a_code(app):
    operator = make_operator()
    client = app.test_client()
    sign_in(client, operator)
    page = client.get("/operator/second-factor/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page and "<script" not in page.split("</head>")[1]
    wrong = post(client, "/operator/second-factor/setup", {"code": "000000"})
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    assert OperatorFactor.get(OperatorFactor.user == operator).confirmed_at is None
    done = post(client, "/operator/second-factor/setup", {"code": code_at(app, operator)})
    assert done.status_code == 200 and done.get_data(as_text=True).count("<li><code>") == 10
    assert client.get("/operator/log").status_code == 200
    # A confirmed factor is not shown again.
    assert client.get("/operator/second-factor/setup").status_code == 302


def test_each_sign_in_must_pass_the_second_factor_again(app):
    client, operator = console_client(app)
    post(client, "/signout")
    sign_in(client, operator)
    response = client.get("/operator/log")
    assert response.status_code == 302 and "/operator/second-factor?next=" in response.location
    # The code typed at setup was used: its 30-second step is refused (replay).
    used_step = OperatorFactor.get(OperatorFactor.user == operator).last_timestep
    replay = totp_of(app, operator).generate_otp(used_step)
    assert post(client, "/operator/second-factor", {"code": replay}).status_code == 422
    ok = post(client, "/operator/second-factor?next=/operator/log", {"code": code_at(app, operator, 1)})
    assert ok.status_code == 302 and ok.location.endswith("/operator/log")
    assert client.get("/operator/log").status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out(app):
    client, operator = console_client(app)
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/operator/log").status_code == 200
    post(client, "/signout")
    response = thief.get("/operator/")
    assert response.status_code == 302 and "/signin" in response.location


def test_recovery_codes_open_the_console_once_each(app):
    operator = make_operator()
    client = app.test_client()
    codes = set_up_factor(client, operator)
    post(client, "/signout")
    sign_in(client, operator)
    used = post(client, "/operator/second-factor", {"code": codes[0].upper()})
    assert used.status_code == 302
    assert "9 left" in client.get("/operator/log").get_data(as_text=True)
    post(client, "/signout")
    sign_in(client, operator)
    again = post(client, "/operator/second-factor", {"code": codes[0]})
    assert again.status_code == 422 and "used already" in again.get_data(as_text=True)
    assert AuditEntry.select().where(AuditEntry.action == "operator_second_factor_failed").count() == 1


def test_new_recovery_codes_replace_the_old_ones(app):
    operator = make_operator()
    client = app.test_client()
    old = set_up_factor(client, operator)
    page = post(client, "/operator/security").get_data(as_text=True)
    assert page.count("<li><code>") == 10 and old[0] not in page
    assert not access._use_recovery_code(operator, old[1], now=utcnow())
    assert RecoveryCode.select().where(RecoveryCode.user == operator).count() == 10
    assert "new_recovery_codes" in client.get("/operator/log").get_data(as_text=True)


def test_the_console_sign_in_ends_after_twelve_hours(app):
    client, operator = console_client(app)
    later = utcnow() + access.SECOND_FACTOR_LASTS
    row = OperatorSignIn.get()
    assert access.passed_second_factor(row.user_session, now=later - access.SECOND_FACTOR_LASTS / 2)
    assert not access.passed_second_factor(row.user_session, now=later)


def test_a_post_without_csrf_is_refused(app):
    client, _operator = console_client(app)
    assert client.post("/operator/security").status_code == 400


def test_removing_an_operator_closes_the_console(app):
    client, operator = console_client(app)
    access.remove_operator(operator.email, now=utcnow())
    assert client.get("/operator/").status_code == 404
    assert not OperatorFactor.select().exists() and not RecoveryCode.select().exists()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_flask_operator_create_makes_an_account_or_flags_one(app, runner):
    result = runner.invoke(args=["operator", "create", "new-op@service.example"],
                           input="long enough password\nlong enough password\n")
    assert result.exit_code == 0, result.output
    user = User.get(User.email == "new-op@service.example")
    assert user.is_operator and user.is_verified
    person = make_user(email="person@client.example")
    result = runner.invoke(args=["operator", "create", "Person@Client.example"])
    assert result.exit_code == 0 and "existing account" in result.output
    assert User.get_by_id(person.id).is_operator
    client = app.test_client()
    sign_in(client, user, password="long enough password")
    assert client.get("/operator/").location.endswith("/operator/second-factor/setup?next=/operator/?")


def test_flask_operator_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["operator", "create", "x@service.example"], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 10" in result.output
    assert not User.select().where(User.email == "x@service.example").exists()


def test_flask_operator_reset_factor_and_list(app, runner):
    client, operator = console_client(app)
    assert "set up" in runner.invoke(args=["operator", "list"]).output
    assert runner.invoke(args=["operator", "reset-factor", operator.email]).exit_code == 0
    response = client.get("/operator/")
    assert response.status_code == 302 and "/second-factor/setup" in response.location
    assert runner.invoke(args=["operator", "reset-factor", "nobody@x.example"]).exit_code != 0
    assert runner.invoke(args=["operator", "remove", operator.email]).exit_code == 0
    assert not User.get_by_id(operator.id).is_operator
