"""`python -m bench.deletion [--tickets N]`: deleting a workspace of N tickets (R21): time, peak memory, locks.

The workspace is seeded by `bench.seed` (default 1,000,000 tickets, with their messages, events, tags and
search documents) into its own SQLite file, `instance/bench-deletion-<N>.sqlite3`, beside a second small
workspace. The purge then runs in a fresh process, so that its peak memory (VmHWM) is its own, while
a probe thread writes to the other workspace every 50 ms through its own connection: the longest wait of
a probe is the longest lock the purge held. The file is deleted afterwards (the next run seeds again).
"""
import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import threading
import time

from bench.querycount import count_queries


def _url(tickets):
    from helpdesk.config import INSTANCE_DIR

    return INSTANCE_DIR / f"bench-deletion-{tickets}.sqlite3"


def _app(path):
    from helpdesk import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": None, "HELPDESK_ENV": "development",
                       "BASE_URL": "http://localhost", "STORAGE_DIR": f"{path}.files"})


def seed(tickets):
    from bench.seed import seed_workspace
    from helpdesk.cli import migration_runner
    from helpdesk.extensions import db

    path = _url(tickets)
    path.unlink(missing_ok=True)
    with _app(path).app_context(), db.database.connection_context():
        migration_runner().up()
        result = seed_workspace(tickets, slug="doomed")
        seed_workspace(100, slug="kept", random_seed=2)
    return {"seed_seconds": round(result.seconds, 1)}


class LockProbe(threading.Thread):
    """Writes to the kept workspace every 50 ms; `longest` is the longest a write waited."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.connection = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self.longest, self.writes, self.running = 0.0, 0, True

    def run(self):
        while self.running:
            started = time.perf_counter()
            self.connection.execute("UPDATE workspace SET name = name WHERE slug = 'kept'")
            self.longest = max(self.longest, time.perf_counter() - started)
            self.writes += 1
            time.sleep(0.05)


def _peak_rss_kb():
    """The purge process's own peak memory: Linux's VmHWM (`ru_maxrss` keeps, across exec, the peak of the
    process that started it: the seeder's 1.2 GB at 1M showed as the purge's)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def purge(tickets):
    from helpdesk.billing.deletion import purge_workspace, start_deletion
    from helpdesk.core.clock import utcnow
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Ticket
    from helpdesk.workspaces.models import Workspace

    path = _url(tickets)
    with _app(path).app_context(), db.database.connection_context():
        workspace = Workspace.get(Workspace.slug == "doomed")
        kept = Workspace.get(Workspace.slug == "kept")
        kept_tickets = Ticket.of(kept).count()
        probe = LockProbe(path)
        probe.start()
        started = time.perf_counter()
        with count_queries() as counter:
            deletion = start_deletion(workspace, reason="bench", now=utcnow())  # in-process: purges at once
        seconds = time.perf_counter() - started
        probe.running = False
        probe.join()
        deletion = type(deletion).get_by_id(deletion.id)
        assert deletion.finished_at and not Ticket.of(workspace).exists() and Ticket.of(kept).count() == kept_tickets
    return {"purge_seconds": round(seconds, 1), "rows_deleted": deletion.rows_deleted, "statements": counter.count,
            "peak_rss_mb": round(_peak_rss_kb() / 1024),
            "longest_lock_ms": round(probe.longest * 1000), "probe_writes": probe.writes}


def run(tickets, log=print):
    """Seed, purge in a child process, and return one results entry."""
    log(f"  seeding {tickets:,} tickets (its own file)...")
    entry = {"name": "delete_workspace", "tickets": tickets, "database": "sqlite", **seed(tickets)}
    child = subprocess.run([sys.executable, "-m", "bench.deletion", "--tickets", str(tickets), "--purge-only"],
                           capture_output=True, text=True, check=True)
    entry.update(json.loads(child.stdout.strip().splitlines()[-1]))
    _url(tickets).unlink(missing_ok=True)
    log(f"  deleted {entry['rows_deleted']:,} rows in {entry['purge_seconds']} s, peak memory "
        f"{entry['peak_rss_mb']} MB, longest lock {entry['longest_lock_ms']} ms")
    return entry


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.deletion", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--purge-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.purge_only:
        print(json.dumps(purge(args.tickets)))
        return 0
    from bench.__main__ import RESULTS, merge

    merge(RESULTS, [run(args.tickets)])
    print(f"written: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
