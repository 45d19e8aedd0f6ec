"""`python -m bench.lifecycle`: the daily lifecycle job over 1,000 and 10,000 workspaces (time, SQL statements).

A fresh SQLite database in a temporary folder (or `<db>_bench_lifecycle` on PostgreSQL) holds N
workspaces, each with its owner, mixed like a real day: a fifth paid and quiet, a fifth with a trial
reminder due, a fifth whose trial ends today (lapse), a fifth lapsed with a deletion warning due, a
fifth paid with a renewal reminder due. The job runs once (everything due) and again (nothing left:
the notices were claimed). Statements per workspace must stay flat from 1,000 to 10,000: the job
reads a page of 500 workspaces with a fixed number of queries, plus a few per email or move.
"""
import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta

from bench.querycount import count_queries

SIZES = (1_000, 10_000)
NOW = datetime(2027, 3, 1, 6, 0)


def seed(count):
    from helpdesk.accounts.models import User
    from helpdesk.extensions import db
    from helpdesk.workspaces.models import Membership, Role, Workspace

    kinds = []
    for index in range(count):
        kind = index % 5
        if kind == 0:  # paid, nothing due
            kinds.append(dict(status=Workspace.ACTIVE, paid_until=NOW + timedelta(days=60), trial_ends_at=NOW))
        elif kind == 1:  # trial, the 7-day reminder is due
            kinds.append(dict(status=Workspace.TRIAL, trial_ends_at=NOW + timedelta(days=6, hours=12)))
        elif kind == 2:  # trial over today: lapses
            kinds.append(dict(status=Workspace.TRIAL, trial_ends_at=NOW - timedelta(hours=2)))
        elif kind == 3:  # trial never paid, lapsed 20 days ago: the 14-day deletion warning is due
            kinds.append(dict(status=Workspace.LAPSED, trial_ends_at=NOW - timedelta(days=20),
                              status_changed_at=NOW - timedelta(days=20)))
        else:  # paid, the 1-day reminder is due
            kinds.append(dict(status=Workspace.ACTIVE, paid_until=NOW + timedelta(hours=20), trial_ends_at=NOW))
    with db.database.atomic():
        for start in range(0, count, 500):
            batch = range(start, min(start + 500, count))
            User.insert_many([{"name": f"Owner {i}", "email": f"owner{i}@bench.example", "password_hash": "x",
                               "email_verified_at": NOW, "created_at": NOW} for i in batch]).execute()
            Workspace.insert_many([{"name": f"Workspace {i}", "slug": f"w{i}", "created_at": NOW - timedelta(days=40),
                                    "status_changed_at": NOW - timedelta(days=40), **kinds[i]} for i in batch]).execute()
        users = {u.email: u.id for u in User.select(User.id, User.email)}
        workspaces = {w.slug: w.id for w in Workspace.select(Workspace.id, Workspace.slug)}
        rows = [{"workspace": workspaces[f"w{i}"], "user": users[f"owner{i}@bench.example"], "role": Role.OWNER,
                 "created_at": NOW} for i in range(count)]
        for start in range(0, count, 500):
            Membership.insert_many(rows[start:start + 500]).execute()


def measure(count, database_url, log):
    from helpdesk import create_app
    from helpdesk.billing.lifecycle import run_lifecycle
    from helpdesk.cli import migration_runner
    from helpdesk.extensions import db

    folder = tempfile.mkdtemp(prefix="bench-lifecycle-")
    url = database_url or f"sqlite:///{folder}/lifecycle-{count}.sqlite3"
    if database_url:
        from bench.__main__ import create_database

        create_database(url, fresh=True)
    app = create_app({"DATABASE_URL": url, "MAIL_URL": f"file://{folder}/outbox", "STORAGE_DIR": f"{folder}/files",
                      "REDIS_URL": None, "HELPDESK_ENV": "development", "BASE_URL": "http://localhost"})
    results = []
    with app.app_context(), db.database.connection_context():
        migration_runner().up()
        seed(count)
        for label in ("first run", "second run"):
            started = time.perf_counter()
            with count_queries() as counter:
                done = run_lifecycle(NOW)
            seconds = time.perf_counter() - started
            results.append({"name": f"lifecycle_{count}_{label.replace(' ', '_')}", "tickets": 0, "workspaces": count,
                            "database": "sqlite" if url.startswith("sqlite") else "postgresql",
                            "seconds": round(seconds, 2), "queries": counter.count,
                            "queries_per_workspace": round(counter.count / count, 2),
                            "done": {key: value for key, value in sorted(done.items()) if value}})
            log(f"  {count:6d} workspaces, {label}: {seconds:6.2f} s, {counter.count} statements "
                f"({counter.count / count:.2f} per workspace): {results[-1]['done']}")
    return results


def run(database_url=None, log=print):
    results = []
    for count in SIZES:
        url = None
        if database_url:
            from bench.__main__ import database_url as bench_database_url

            url = bench_database_url(database_url, f"lifecycle_{count}")
        results.extend(measure(count, url, log))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.lifecycle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    from bench.__main__ import RESULTS, merge

    merge(RESULTS, run(args.database_url))
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
