"""Secrets at rest (R34): Fernet with key rotation, and `flask crypto rotate`."""
import pytest
from cryptography.fernet import Fernet

from helpdesk.core import crypto
from helpdesk.extensions import db
from helpdesk.mail.models import Mailbox
from tests.factories import make_workspace

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_r34_encrypt_then_decrypt_round_trips(app_context):
    token = crypto.encrypt("s3cret-pässword")
    assert "s3cret" not in token
    assert crypto.decrypt(token) == "s3cret-pässword"
    assert crypto.encrypt(None) is None and crypto.decrypt(None) is None


def test_r34_each_encryption_differs(app_context):
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_r34_an_old_key_still_decrypts_after_a_new_one_is_put_first():
    token = crypto.encrypt("hunter2", keys=OLD)
    assert crypto.decrypt(token, keys=f"{NEW},{OLD}") == "hunter2"
    with pytest.raises(crypto.CryptoError, match="cannot be decrypted"):
        crypto.decrypt(token, keys=NEW)


def test_r34_rotate_token_re_encrypts_with_the_newest_key():
    token = crypto.encrypt("hunter2", keys=OLD)
    rotated = crypto.rotate_token(token, keys=f"{NEW},{OLD}")
    assert crypto.decrypt(rotated, keys=NEW) == "hunter2"


def _mailbox(workspace, password):
    return Mailbox.create(workspace=workspace, address="support@acme.example", imap_host="imap.acme.example",
                          smtp_host="smtp.acme.example", imap_password=crypto.encrypt(password, keys=OLD),
                          smtp_password=None)


def test_r34_rotate_all_re_encrypts_every_registered_column(app):
    with app.app_context():
        mailbox = _mailbox(make_workspace(), "imap-secret")
        changed = crypto.rotate_all(keys=f"{NEW},{OLD}", batch=1)
        assert changed["mailbox"] == 1
        stored = Mailbox.get_by_id(mailbox.id)
        assert crypto.decrypt(stored.imap_password, keys=NEW) == "imap-secret"
        assert stored.smtp_password is None  # empty columns stay empty


def test_r34_flask_crypto_rotate_command(app, monkeypatch):
    with app.app_context():
        mailbox = _mailbox(make_workspace(), "imap-secret")
    monkeypatch.setitem(app.config, "ENCRYPTION_KEYS", f"{NEW},{OLD}")
    result = app.test_cli_runner().invoke(args=["crypto", "rotate"])
    assert result.exit_code == 0, result.output
    assert "mailbox: 1 row(s) re-encrypted" in result.output
    db.database.connect(reuse_if_open=True)
    raw = db.database.execute_sql("SELECT imap_password FROM mailbox WHERE id = %s" % int(mailbox.id)).fetchone()[0]
    assert crypto.decrypt(raw, keys=NEW) == "imap-secret"
    assert "imap-secret" not in raw


def test_r34_rotate_names_a_secret_no_key_can_read(app, monkeypatch):
    with app.app_context():
        _mailbox(make_workspace(), "imap-secret")
    monkeypatch.setitem(app.config, "ENCRYPTION_KEYS", NEW)
    result = app.test_cli_runner().invoke(args=["crypto", "rotate"])
    assert result.exit_code != 0
    assert "cannot be decrypted" in result.output
