"""Command-line tools: `flask db ...`, `flask demo`, `flask serve`, `flask worker`."""
import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from helpdesk.config import PROJECT_ROOT
from helpdesk.extensions import db

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"

db_cli = AppGroup("db", help="Database schema: apply and check migrations.")


def migration_runner():
    """peewee's own migration runner over `migrations/`."""
    return Runner(db.database.obj, str(MIGRATIONS_DIR))


def schema_drift():
    """What differs between the database and the models (falsy when nothing)."""
    from helpdesk.models import all_models

    return diff_models(db.database.obj, all_models())


@db_cli.command("upgrade")
def upgrade():
    """Apply every pending migration."""
    with db.database.connection_context():
        applied = migration_runner().up()
    click.echo("\n".join(f"applied: {name}" for name in applied) or "database is up to date")


@db_cli.command("status")
def status():
    """List migrations, applied or pending."""
    with db.database.connection_context():
        for migration in migration_runner().status():
            click.echo(f"[{'x' if migration.applied else ' '}] {migration.name}")


@db_cli.command("diff")
def diff():
    """Print schema drift between the database and the models; exit 1 when there is some."""
    with db.database.connection_context():
        drift = schema_drift()
    click.echo(str(drift) if drift else "schema matches models")
    raise SystemExit(1 if drift else 0)


@click.command("demo")
@with_appcontext
def demo():
    """Create the demo workspace (slug `demo`) once, and print its logins."""
    from helpdesk.demo import DEMO_LOGINS, seed_demo

    with db.database.connection_context():
        created = seed_demo()
    click.echo("Demo workspace " + ("created." if created else "already there."))
    base = current_app.config["BASE_URL"]
    click.echo(f"Open {base}/signin and sign in as:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:6} {email}  password: {password}")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve(host, port):
    """Serve the app for a laptop, with the periodic jobs run in-process when there is no Redis."""
    from werkzeug.serving import run_simple

    from helpdesk.jobs import start_periodic_thread

    app = current_app._get_current_object()
    if not app.config["REDIS_URL"]:
        start_periodic_thread(app)
    run_simple(host, port, app, threaded=True)


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst):
    """Run jobs from Redis, with RQ's scheduler (retries) and the periodic jobs."""
    from rq import Worker

    from helpdesk.jobs import queue, redis_connection, start_periodic_thread

    app = current_app._get_current_object()
    connection = redis_connection(app)
    if connection is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inside the web process.")
    if not burst:
        start_periodic_thread(app)
    Worker([queue(app)], connection=connection).work(with_scheduler=True, burst=burst)


def register(app):
    """Attach the commands to `app`."""
    app.cli.add_command(db_cli)
    from helpdesk.core.crypto import crypto_cli  # `flask crypto rotate`
    from helpdesk.mail.cli import mail_cli  # `flask mail parse FILE...`, `flask mail fetch`

    app.cli.add_command(crypto_cli)
    app.cli.add_command(mail_cli)
    for command in (demo, serve, worker):
        app.cli.add_command(command)
    from bench.seed import bench_cli  # `flask bench seed --tickets N` (the benchmark data, bench/)

    app.cli.add_command(bench_cli)
