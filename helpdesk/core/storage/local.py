"""The folder backend: one file per key under a root folder (`STORAGE_DIR`)."""
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path


class LocalStorage:
    """Files under `root`; a key is a relative path that must stay inside it."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key):
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise FileNotFoundError(key)
        return path

    def put(self, key, data):
        """Write `data` under `key`."""
        path = self.root / key
        try:
            path.write_bytes(data)
        except FileNotFoundError:  # the first file of its folder: one write usually needs no mkdir
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def get(self, key):
        """The bytes under `key`; FileNotFoundError when there are none."""
        return self._path(key).read_bytes()

    def delete(self, keys):
        """Remove the files of `keys` (missing ones are no error)."""
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix):
        """Remove every file under the folder `prefix`."""
        shutil.rmtree(self.root / prefix, ignore_errors=True)

    def top_prefixes(self):
        """The names of the root's folders (one per workspace), in order."""
        try:
            return sorted(entry.name for entry in os.scandir(self.root) if entry.is_dir())
        except FileNotFoundError:
            return []

    def iter_files(self, prefix):
        """(key, modified at as naive UTC) for each file under `prefix`, one folder in memory at a time."""
        yield from self._walk(self.root / prefix, prefix)

    def _walk(self, folder, key_prefix):
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except FileNotFoundError:
            return
        for entry in entries:
            key = f"{key_prefix}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(entry.path, key)
            elif entry.is_file(follow_symlinks=False):
                modified = datetime.fromtimestamp(entry.stat().st_mtime, timezone.utc).replace(tzinfo=None)
                yield key, modified
