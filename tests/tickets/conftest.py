"""Ticket test fixtures: a workspace mailbox on the test Dovecot and SMTP servers (a reply needs one)."""
import pytest

from tests.mail.test_fetch import add_dovecot_mailbox


@pytest.fixture
def connect_mailbox(app, dovecot, imap_account, smtp_server):
    """`connect_mailbox(workspace)`: the workspace gets a mailbox whose replies reach `smtp_server`."""
    def connect(workspace):
        with app.app_context():
            return add_dovecot_mailbox(workspace, dovecot, imap_account, smtp_server)
    return connect
