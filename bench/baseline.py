"""The baseline of `bench.cpu`: the cheapest honest Flask + peewee page, one query rendering 50 rows.

Served by gunicorn beside the helpdesk on the same database (`BENCH_DATABASE_URL`): a connection taken
from a pool per request as the app takes one, one SELECT of the newest 50 tickets, a Jinja template of 50 table rows
with a link, the subject, the status, the preview and the time. No session, no CSRF, no time zones:
what any page of a Flask + peewee app costs at the least, so the agents' pages are measured against it.
"""
import os

from flask import Flask, render_template_string
from peewee import CharField, DateTimeField, IntegerField, Model
from playhouse.db_url import connect

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tickets</title></head>
<body><main><h1>Tickets</h1>
<table>
<thead><tr><th>Ticket</th><th>Status</th><th>Preview</th><th>Updated</th></tr></thead>
<tbody>
{% for t in tickets %}<tr><td><a href="/tickets/{{ t.number }}">#{{ t.number }} {{ t.subject }}</a></td>
<td>{{ t.status }}</td><td>{{ t.preview }}</td><td><time datetime="{{ t.updated_at.isoformat() }}">{{ t.updated_at.strftime("%d %b %Y, %H:%M") }}</time></td></tr>
{% endfor %}</tbody></table></main></body></html>"""


def _pooled(url):
    """The URL of the same database through peewee's pool (the app pools its connections too)."""
    scheme, rest = url.split("://", 1)
    return f"{'postgres' if scheme.startswith('postgres') else scheme}+pool://{rest}"


def create_app(url):
    database = connect(_pooled(url))

    class Ticket(Model):
        number = IntegerField()
        subject = CharField()
        status = CharField()
        preview = CharField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "ticket"

    Ticket._meta.set_database(database)
    app = Flask(__name__)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exception):
        if not database.is_closed():
            database.close()

    @app.route("/")
    def tickets():
        rows = list(Ticket.select(Ticket.id, Ticket.number, Ticket.subject, Ticket.status, Ticket.preview,
                                  Ticket.updated_at).order_by(Ticket.id.desc()).limit(50))
        return render_template_string(TEMPLATE, tickets=rows)

    return app


app = create_app(os.environ["BENCH_DATABASE_URL"]) if "BENCH_DATABASE_URL" in os.environ else None
