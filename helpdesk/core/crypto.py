"""Secrets at rest (R34): encrypt with the newest key, decrypt with any, rotate.

`ENCRYPTION_KEYS` holds comma-separated Fernet keys, newest first. `encrypt()`
always uses the first; `decrypt()` tries each in turn (cryptography's
`MultiFernet`), so a new key can be put in front while old ciphertext still
reads. `flask crypto rotate` then re-encrypts every registered column with the
newest key, after which the old key can be dropped from the setting.

A domain declares its encrypted columns once, next to its model:
`register_encrypted(Mailbox, "imap_password", ...)`. The columns hold the
Fernet token (text); nothing else in the code ever sees a plain secret at rest.
"""
import click
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from flask.cli import AppGroup

from helpdesk.extensions import db

__all__ = ["encrypt", "decrypt", "rotate_token", "register_encrypted", "rotate_all", "CryptoError", "crypto_cli"]

# (model, field names) pairs declared by the domains.
_ENCRYPTED = []


class CryptoError(Exception):
    """A stored secret cannot be read with any configured key."""


def _fernet(keys=None):
    keys = keys if keys is not None else current_app.config["ENCRYPTION_KEYS"]
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def encrypt(plain, keys=None):
    """The Fernet token (text) of `plain`, made with the newest key; None stays None."""
    if plain is None:
        return None
    return _fernet(keys).encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token, keys=None):
    """The plain text of a token made with any configured key; None stays None."""
    if token is None:
        return None
    try:
        return _fernet(keys).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise CryptoError("a stored secret cannot be decrypted with ENCRYPTION_KEYS "
                          "(was the key that made it removed?)") from None


def rotate_token(token, keys=None):
    """The same secret re-encrypted with the newest key."""
    try:
        return _fernet(keys).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise CryptoError("a stored secret cannot be decrypted with ENCRYPTION_KEYS") from None


def register_encrypted(model, *field_names):
    """Declare columns of `model` that hold `encrypt()` tokens, for rotation."""
    _ENCRYPTED.append((model, field_names))


def encrypted_columns():
    """Every registered (model, field names) pair (after the models were imported)."""
    from helpdesk.models import all_models

    all_models()  # importing every domain's models registers their columns
    return list(_ENCRYPTED)


def rotate_all(keys=None, batch=500):
    """Re-encrypt every registered column with the newest key. Returns {table: rows changed}.

    Rows are read by id in batches and each batch is written in one transaction,
    so a large table neither holds one long transaction nor loads at once; a
    rotation stopped halfway can simply run again.
    """
    changed = {}
    for model, names in encrypted_columns():
        fields = [model._meta.fields[name] for name in names]
        count, last_id = 0, 0
        while True:
            rows = list(model.select(model.id, *fields).where(model.id > last_id)
                        .order_by(model.id).limit(batch).tuples())
            if not rows:
                break
            with db.database.atomic():
                for row in rows:
                    values = {field: rotate_token(value, keys) for field, value in zip(fields, row[1:])
                              if value is not None}
                    if values:
                        model.update(values).where(model.id == row[0]).execute()
                        count += 1
            last_id = rows[-1][0]
        changed[model._meta.table_name] = count
    return changed


crypto_cli = AppGroup("crypto", help="Secrets at rest: re-encrypt with the newest key.")


@crypto_cli.command("rotate")
def rotate_command():
    """Re-encrypt every stored secret with the first key of ENCRYPTION_KEYS."""
    with db.database.connection_context():
        try:
            changed = rotate_all()
        except CryptoError as error:
            raise click.ClickException(str(error)) from None
    for table, count in changed.items():
        click.echo(f"{table}: {count} row(s) re-encrypted")
    click.echo("Done. Keys other than the first can now be removed from ENCRYPTION_KEYS.")
