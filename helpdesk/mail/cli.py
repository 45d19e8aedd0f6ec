"""`flask mail parse FILE...` (one JSON object per file, never fails) and `flask mail fetch [--mailbox ID]`."""
import json

import click
from flask.cli import AppGroup

from helpdesk.extensions import db

mail_cli = AppGroup("mail", help="The mail channel: parse files, fetch mailboxes now.")


@mail_cli.command("parse")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def parse_command(files):
    """Print one JSON line per FILE: what the parser reads from it, or {"error": ...}."""
    from helpdesk.mail.parse import parse_file_to_json

    for path in files:
        try:
            with open(path, "rb") as handle:
                result = parse_file_to_json(handle.read())
        except OSError as error:
            result = {"error": f"{type(error).__name__}: {error.strerror or error}"}
        click.echo(json.dumps({"file": path, **result}, ensure_ascii=False, default=str))


@mail_cli.command("fetch")
@click.option("--mailbox", "mailbox_id", type=int, help="Only this mailbox (id); default: every mailbox.")
def fetch_command(mailbox_id):
    """Fetch now, here (not through the queue); prints one line per mailbox."""
    from helpdesk.mail.jobs import fetch_mailbox
    from helpdesk.mail.models import Mailbox
    from helpdesk.workspaces.models import Workspace

    with db.database.connection_context():
        if mailbox_id is not None:
            ids = [mailbox_id]
        else:
            ids = [i for (i,) in Mailbox.select(Mailbox.id).join(Workspace)
                   .where(Workspace.status != Workspace.CANCELLED).order_by(Mailbox.id).tuples()]
        if not ids:
            click.echo("no mailboxes")
        failed = False
        for found in ids:
            summary = fetch_mailbox(found)
            failed |= bool(summary["error"])
            state = f"error: {summary['error']}" if summary["error"] else "ok"
            click.echo(f"mailbox {found}: {summary['stored']} stored, {summary['processed']} processed"
                       f"{', more waiting' if summary['more'] else ''} ({state})")
    raise SystemExit(1 if failed else 0)
