"""End to end on S3 storage: an agent's upload and a fetched mail's attachment land in the bucket and download back."""
import io
from datetime import timedelta

import pytest

from helpdesk.core.clock import utcnow
from helpdesk.core.storage.sweep import sweep_orphans
from helpdesk.mail import jobs
from helpdesk.tickets.models import Attachment, Ticket
from tests.conftest import post, sign_in
from tests.factories import customer_mail, make_workspace
from tests.factories import add_dovecot_mailbox

PDF = b"%PDF-1.4 invoice \x00\x01\x02"


@pytest.fixture
def bucket(s3_server, use_storage):
    """A fresh bucket that the app stores its files in for this test."""
    name = s3_server.new_bucket()
    use_storage(s3_server.settings(name, prefix="helpdesk"))
    return name


def test_uploads_and_mail_attachments_live_in_the_bucket_and_download_back(
        app, client, bucket, s3_server, dovecot, imap_account):
    workspace = make_workspace(name="Acme")
    sign_in(client, workspace.membership_set.get().user)
    mail = customer_mail("Invoice attached")
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="invoice.pdf")
    with app.app_context():
        mailbox = add_dovecot_mailbox(workspace, dovecot, imap_account)
        dovecot.deliver(imap_account.email, mail)
        assert jobs.fetch_mailbox(mailbox.id)["stored"] == 1
    ticket = Ticket.of(workspace).get()
    post(client, f"/w/{workspace.slug}/tickets/{ticket.number}/note",
         {"body": "Our log", "files": (io.BytesIO(b"agent log"), "log.txt")}, content_type="multipart/form-data")

    names = s3_server.object_names(bucket)
    assert len(names) == 3 and all(name.startswith(f"helpdesk/{workspace.id}/") for name in names)
    assert {name.rsplit("-", 1)[-1] for name in names} >= {"invoice.pdf", "log.txt"}
    downloads = {attachment.filename: client.get(
        f"/w/{workspace.slug}/tickets/{ticket.number}/attachments/{attachment.id}").data
        for attachment in Attachment.of(workspace)}
    assert downloads == {"invoice.pdf": PDF, "log.txt": b"agent log"}

    # Every stored file has its row: a sweep long after deletes none of them.
    with app.app_context():
        assert sweep_orphans(utcnow() + timedelta(days=1)) == 0
    assert len(s3_server.object_names(bucket)) == 3
