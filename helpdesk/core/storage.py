"""Where attachment bytes live: a folder on disk (`STORAGE_DIR`, default `instance/storage`).

Keys look like `<workspace id>/<ab>/<random>-<file name>` (`ab`: the random
part's first two characters, which spread files over 256 folders that later
files reuse, so a save is one file write), so a workspace's files sit under one
prefix and deleting a workspace deletes one folder. Older keys
(`<workspace id>/<random>/<file name>`) read the same. An S3-compatible
backend can replace this module's three functions without touching callers.
"""
import re
import secrets
import shutil
from pathlib import Path

from flask import current_app


def _root():
    return Path(current_app.config["STORAGE_DIR"])


def safe_filename(filename):
    """A file name that cannot climb out of its folder: 'a/../b c.pdf' -> 'b_c.pdf'."""
    name = re.sub(r"[^\w.\-]+", "_", Path(filename or "file").name).strip("._")
    return name[:120] or "file"


def save(workspace_id, filename, data):
    """Store `data`; returns its key."""
    token = secrets.token_hex(12)
    key = f"{int(workspace_id)}/{token[:2]}/{token}-{safe_filename(filename)}"
    path = _root() / key
    try:
        path.write_bytes(data)
    except FileNotFoundError:  # the first file of its folder: one write usually needs no mkdir
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return key


def read(key):
    """The bytes stored under `key`."""
    path = (_root() / key).resolve()
    if _root().resolve() not in path.parents:
        raise FileNotFoundError(key)
    return path.read_bytes()


def delete_workspace_files(workspace_id):
    """Remove every file of a workspace (R21)."""
    shutil.rmtree(_root() / str(int(workspace_id)), ignore_errors=True)
