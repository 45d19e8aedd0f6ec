"""Where stored files live: a folder on disk, or an S3-compatible bucket (`STORAGE_URL`).

Without `STORAGE_URL` files go to `STORAGE_DIR` (default `instance/storage`), the
laptop default of `make run`. On a PaaS, whose disk is wiped at each deploy and
not shared between web and worker, `STORAGE_URL=s3://bucket/prefix` (plus the
`S3_*` settings) puts them in a bucket; both backends answer the same calls.

Keys look like `<workspace id>/<ab>/<random>-<file name>` (`ab`: the random
part's first two characters, which spread files over 256 folders that later
files reuse, so a save is one file write), so a workspace's files sit under one
prefix and deleting a workspace deletes one prefix. Older keys
(`<workspace id>/<random>/<file name>`) read the same. Keys are relative to the
backend's root, so rows keep their keys when a deployment moves to a bucket.

A model that keeps keys declares the column once, next to it:
`register_storage_keys(Attachment, "storage_key")`. The orphan sweep (`sweep.py`)
deletes old files that no registered column references, so a column not
registered would lose its files.
"""
import re
import secrets
from pathlib import Path

from flask import current_app

__all__ = ["safe_filename", "save", "read", "delete_workspace_files", "backend",
           "register_storage_keys", "storage_key_columns"]

# (model, field name) pairs declared by the domains.
_KEY_COLUMNS = []


def backend(app=None):
    """The configured backend of `app` (default: the current one), made once per app."""
    app = app or current_app
    made = app.extensions.get("storage")
    if made is None:
        made = app.extensions["storage"] = _make_backend(app.config)
    return made


def _make_backend(config):
    if config.get("STORAGE_URL"):
        from helpdesk.core.storage.s3 import S3Storage  # boto3 is slow to import: only when used

        return S3Storage(config["STORAGE_URL"], endpoint_url=config.get("S3_ENDPOINT_URL"),
                         access_key_id=config.get("S3_ACCESS_KEY_ID"),
                         secret_access_key=config.get("S3_SECRET_ACCESS_KEY"), region=config.get("S3_REGION"))
    from helpdesk.core.storage.local import LocalStorage

    return LocalStorage(config["STORAGE_DIR"])


def safe_filename(filename):
    """A file name that cannot climb out of its folder: 'a/../b c.pdf' -> 'b_c.pdf'."""
    name = re.sub(r"[^\w.\-]+", "_", Path(filename or "file").name).strip("._")
    return name[:120] or "file"


def save(workspace_id, filename, data):
    """Store `data`; returns its key."""
    token = secrets.token_hex(12)
    key = f"{int(workspace_id)}/{token[:2]}/{token}-{safe_filename(filename)}"
    backend().put(key, data)
    return key


def read(key):
    """The bytes stored under `key`; FileNotFoundError when there are none."""
    return backend().get(key)


def delete_workspace_files(workspace_id):
    """Remove every file of a workspace (R21)."""
    backend().delete_prefix(str(int(workspace_id)))


def register_storage_keys(model, *field_names):
    """Declare columns of `model` that hold keys returned by `save()`, so the sweep keeps their files."""
    _KEY_COLUMNS.extend((model, name) for name in field_names)


def storage_key_columns():
    """Every registered (model, field name) pair (after the models were imported)."""
    from helpdesk.models import all_models

    all_models()  # importing every domain's models registers their columns
    return list(_KEY_COLUMNS)
