"""`flask mail parse`, `flask mail fetch`, and the ingestion benchmark's smoke run."""
import json

from helpdesk.core.clock import utcnow
from helpdesk.mail import services as mail
from helpdesk.tickets.models import Ticket
from tests.factories import customer_mail, make_workspace


def test_mail_parse_prints_one_json_object_per_file_and_never_fails(app, tmp_path):
    good = tmp_path / "good.eml"
    good.write_bytes(bytes(customer_mail("Printer broken", sender="Ann Lee <ann@client.example>")))
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    binary = tmp_path / "noise.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    missing = tmp_path / "missing.eml"

    result = app.test_cli_runner().invoke(args=["mail", "parse", str(good), str(empty), str(binary), str(missing)])

    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["file"] for line in lines] == [str(good), str(empty), str(binary), str(missing)]
    assert lines[0]["subject"] == "Printer broken" and lines[0]["from_email"] == "ann@client.example"
    assert "error" in lines[1]
    assert "error" in lines[3] and "FileNotFoundError" in lines[3]["error"]


def test_mail_fetch_fetches_now(app, dovecot, imap_account):
    with app.app_context():
        workspace = make_workspace(name="Acme")
        owner = workspace.membership_set.get()
        mailbox = mail.add_mailbox(workspace, owner, {
            "address": imap_account.email, "imap_host": dovecot.host, "imap_port": dovecot.port,
            "imap_security": "none", "imap_password": imap_account.password, "smtp_host": "127.0.0.1",
            "smtp_port": 25, "smtp_security": "none"}, now=utcnow())
    dovecot.deliver(imap_account.email, customer_mail("From the command line"))
    result = app.test_cli_runner().invoke(args=["mail", "fetch", "--mailbox", str(mailbox.id)])
    assert result.exit_code == 0, result.output
    assert f"mailbox {mailbox.id}: 1 stored, 1 processed (ok)" in result.output
    with app.app_context():
        from helpdesk.extensions import db

        db.database.connect(reuse_if_open=True)
        assert [t.subject for t in Ticket.of(workspace)] == ["From the command line"]
    missing = app.test_cli_runner().invoke(args=["mail", "fetch", "--mailbox", "999999"])
    assert missing.exit_code == 1 and "no such mailbox" in missing.output


def test_bench_mail_ingest_smoke(make_app):
    from bench.mail_ingest import build_corpus, run

    corpus = build_corpus(40)
    assert len(corpus) == 40 and any(b"In-Reply-To" in raw for raw in corpus)
    result = run(count=40, include_zammad=False)
    assert result["messages"] == 40 and result["messages_per_second"] > 0
    assert result["statuses"].get("failed", 0) == 0
    assert result["tickets_opened"] < 40  # replies threaded onto earlier tickets
