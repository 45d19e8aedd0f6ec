"""`flask mail parse FILE...` (one JSON object per file, never fails) and
`flask mail fetch [--mailbox ID] [--take-over]`."""
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
@click.option("--take-over", is_flag=True,
              help="Run even when another fetch holds the mailbox's lease (its process is gone, on another host).")
def fetch_command(mailbox_id, take_over):
    """Fetch now, here (not through the queue); prints one line per mailbox.

    A lease held by a process of this host that no longer exists is taken over
    without asking; one held from another host runs out after 10 minutes, or
    now with --take-over.
    """
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
            summary = fetch_mailbox(found, take_over=take_over)
            failed |= bool(summary["error"])
            state = f"error: {summary['error']}" if summary["error"] else "ok"
            took_over = f", took over the lease of {summary['took_over']}" if summary["took_over"] else ""
            click.echo(f"mailbox {found}: {summary['stored']} stored, {summary['processed']} processed"
                       f"{', more waiting' if summary['more'] else ''}{took_over} ({state})")
    raise SystemExit(1 if failed else 0)
