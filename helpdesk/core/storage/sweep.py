"""The orphan sweep: delete stored files that no row references.

A file is saved before the row that names it is committed; when that
transaction rolls back, or its process is killed, the file stays with no row.
`sweep_orphans()` walks the store one workspace prefix at a time, in pages, and
deletes the files older than a grace period (a transaction still running may
yet commit its row) whose key none of the registered columns holds. Memory and
each statement stay bounded by the page size, however large the store.
"""
import logging
from datetime import timedelta
from itertools import islice

from helpdesk.core.clock import utcnow
from helpdesk.core.storage import backend, storage_key_columns
from helpdesk.jobs import job

log = logging.getLogger(__name__)

# Older than this, a file without a row is an orphan: no transaction of this app runs for an hour.
GRACE = timedelta(hours=1)


def sweep_orphans(now, grace=GRACE, page=500):
    """Delete unreferenced files saved before `now - grace`; returns how many were deleted."""
    store, columns = backend(), storage_key_columns()
    cutoff = now - grace
    deleted = 0
    for prefix in store.top_prefixes():
        if not prefix.isdigit():  # not a workspace's folder: not ours to judge
            continue
        files = store.iter_files(prefix)
        while batch := list(islice(files, page)):
            old = {key for key, modified in batch if modified < cutoff}
            orphans = old - _referenced(columns, old)
            if orphans:
                store.delete(sorted(orphans))
                deleted += len(orphans)
    return deleted


def _referenced(columns, keys):
    """The keys among `keys` that a registered column holds (one indexed query per column)."""
    if not keys:
        return set()
    found = set()
    for model, name in columns:
        field = getattr(model, name)
        found.update(value for (value,) in model.select(field).where(field.in_(list(keys))).tuples())
    return found


@job
def sweep_orphan_files():
    """The periodic job: sweep with the real clock."""
    deleted = sweep_orphans(utcnow())
    if deleted:
        log.info("storage sweep: %d orphan files deleted", deleted)
    return deleted
