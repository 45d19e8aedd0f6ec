"""The helpdesk application: `create_app()` wires config, extensions, blueprints and commands."""
from flask import Flask, g
from flask_login import current_user

from helpdesk.config import PROJECT_ROOT, ConfigError, load_config
from helpdesk.core.requests import TextMap, TextRequest


class HelpdeskApp(Flask):
    """Flask, with a request on a help center's custom domain matched against that host's own URL map, the
    URLs built kept (`core.urls.KeptURLAdapter`), and no NUL character in what a request brings
    (`core.requests`)."""

    request_class = TextRequest
    url_map_class = TextMap

    def create_url_adapter(self, request):
        from helpdesk.core.urls import keeping_urls

        adapter = super().create_url_adapter(request)  # first: it checks and sets request.host
        if request is not None:
            from helpdesk.helpcenter.hosts import custom_host_adapter

            return keeping_urls(custom_host_adapter(self, request) or adapter)
        return keeping_urls(adapter)


def create_app(overrides=None):
    """Build the Flask app from the environment, with `overrides` on top (tests)."""
    try:
        config = load_config(overrides=overrides)
    except ConfigError as error:
        # One clear line, no traceback: the operator fixes the named setting.
        raise SystemExit(f"helpdesk: configuration error: {error}") from None

    app = HelpdeskApp(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                      static_folder=str(PROJECT_ROOT / "static"), instance_path=str(PROJECT_ROOT / "instance"))
    app.config.update(config)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)

    from helpdesk import cli

    cli.register(app)
    from helpdesk.billing.cli import billing_cli  # `flask billing lifecycle|restore|plans`

    app.cli.add_command(billing_cli)
    from helpdesk.operator.cli import operator_cli  # `flask operator create|remove|reset-factor|list`

    app.cli.add_command(operator_cli)
    return app


def _init_extensions(app):
    from authlib.integrations.flask_client import OAuth

    from helpdesk.accounts.sessions import load_user
    from helpdesk.core import fields, i18n, timefmt
    from helpdesk.extensions import babel, csrf, db, htmx, limiter, login_manager, make_database

    app.config["DATABASE"] = make_database(app.config["DATABASE_URL"], app.config["DB_POOL_SIZE"])
    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=timefmt.locale, timezone_selector=timefmt.time_zone)
    i18n.install(app)
    fields.install()
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.signin"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    # The cookies carry a session key, not the person's id, so that a session can be ended.
    login_manager.id_attribute = "get_session_id"
    login_manager.user_loader(load_user)
    if app.config["GOOGLE_CLIENT_ID"]:
        # One registry per app (kept in app.extensions): a shared one keeps the client of the first app.
        OAuth(app).register("google", client_id=app.config["GOOGLE_CLIENT_ID"],
                            client_secret=app.config["GOOGLE_CLIENT_SECRET"],
                            server_metadata_url=app.config["GOOGLE_DISCOVERY_URL"],
                            client_kwargs={"scope": "openid email profile"})


def _register_blueprints(app):
    from helpdesk import accounts, billing, health, mail, workspaces
    from helpdesk.help_center_pages import helpcenter_bp
    from helpdesk.helpcenter.tls_views import bp as tls_bp
    from helpdesk.operator.notices import notices_bp  # before workspace_bp: it adds the owners' terms hook
    from helpdesk.operator.pages import operator_bp
    from helpdesk.workspace_pages import workspace_bp
    from helpdesk.workspaces.scope import add_workspace_slug

    app.register_blueprint(health.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(workspaces.public_bp)
    app.register_blueprint(mail.oauth_bp)  # the fixed OAuth callback of mailbox connections
    app.register_blueprint(billing.public_bp)  # the payment provider's webhooks and test checkout
    app.register_blueprint(notices_bp)  # the owners' terms acceptance, dismissing an announcement
    app.register_blueprint(workspace_bp)
    app.register_blueprint(helpcenter_bp)  # the public help center at /h/<slug>/
    app.register_blueprint(tls_bp)  # a proxy asks it before getting a custom domain's certificate
    app.register_blueprint(operator_bp)  # the operator console at /operator (second factor required)
    app.url_defaults(add_workspace_slug)
    # A help center's custom domain: its own URL map (helpcenter/hosts.py), built once all routes exist.
    from helpdesk.helpcenter.hosts import build_on_service_host, custom_host_map

    app.extensions["custom_host_map"] = custom_host_map(app.url_map)
    app.url_build_error_handlers.append(build_on_service_host)


def _register_hooks(app):
    from helpdesk import errors
    from helpdesk.core import timefmt, urls
    from helpdesk.core.security import add_security_headers
    from helpdesk.workspaces.services import memberships_of

    https = app.config["BASE_URL"].startswith("https://")
    app.after_request(lambda response: add_security_headers(response, https=https))
    errors.register(app)
    timefmt.register(app)
    urls.register(app)  # the `urlencode` filter, its texts kept

    @app.context_processor
    def navigation():
        """The workspace switcher: every workspace of the signed-in person (one query, cached per request)."""
        if not current_user.is_authenticated:
            return {"my_memberships": []}
        if "my_memberships" not in g:
            g.my_memberships = memberships_of(current_user.id)
        return {"my_memberships": g.my_memberships}
