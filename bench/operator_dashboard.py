"""`python -m bench.operator_dashboard`: the operator console's dashboard and its workspace list at 10,000
workspaces with a year of daily snapshots (p95 < 50 ms, a fixed number of SQL statements per request).

Its own fresh database (a temporary SQLite file, or `<db>_bench_operator_dashboard` on PostgreSQL):
10,000 workspaces with their owners, 365 `DailySnapshot` rows, every periodic job's last run, and an
operator signed in with the second factor passed (its `OperatorSignIn` row written directly: the
TOTP pages are not what is measured). Jobs in-process (no Redis counts are asked). The request count
is also taken at 1,000 workspaces: it must be the same. Pages are measured in interleaved rounds (3 by
default) and the round with the lowest p95 is kept, as in `bench/__main__.py`; beside the wall-clock
times, the process's CPU time per request (the app's own work, whatever else the machine runs; SQLite's
work is in it, PostgreSQL's server is not). The workspace list is asked
in turn for its first page, a state filter, a plan filter, a search, a later keyset page, a seats and last-sign-in filter
and a later page of the plan filter (half the workspaces are subscribed to a plan).
"""
import argparse
import json
import os
import sys
import tempfile
import time
from datetime import timedelta

SIZES = (1_000, 10_000)
TARGET_P95_MS = 50


def seed(count, now):
    from helpdesk.accounts.models import User
    from helpdesk.billing.models import Plan, Subscription
    from helpdesk.core.periodic_runs import PeriodicRun
    from helpdesk.extensions import db, is_postgres
    from helpdesk.jobs import PERIODIC_JOBS
    from helpdesk.operator.snapshots import DailySnapshot
    from helpdesk.workspaces.models import Membership, Role, Workspace

    states = Workspace.STATUSES[:5]
    with db.database.atomic():
        for start in range(0, count, 500):
            batch = range(start, min(start + 500, count))
            User.insert_many([{"name": f"Owner {i}", "email": f"owner{i}@bench.example", "password_hash": "x",
                               "created_at": now} for i in batch]).execute()
            Workspace.insert_many([{"name": f"Workspace {i}", "slug": f"w{i}", "status": states[i % 5],
                                    "created_at": now} for i in batch]).execute()
        users = dict(User.select(User.email, User.id).tuples())
        workspaces = dict(Workspace.select(Workspace.slug, Workspace.id).tuples())
        rows = [{"workspace": workspaces[f"w{i}"], "user": users[f"owner{i}@bench.example"], "role": Role.OWNER,
                 "created_at": now} for i in range(count)]
        for start in range(0, count, 500):
            Membership.insert_many(rows[start:start + 500]).execute()
        DailySnapshot.insert_many([{
            "day": now.date() - timedelta(days=n), "created_at": now,
            "workspaces_by_state": json.dumps({state: count // 5 for state in states}),
            "mrr_by_currency": json.dumps({"EUR": count * 2900 - n * 10}), "trials_started": count // 300,
            "trials_converted": count // 900, "tickets_created": count * 4, "mail_processed": count * 7,
            "queue_depth": n % 20, "failed_jobs": n % 3} for n in range(1, 366)]).execute()
        plan = Plan.create(name="Bench plan", price_per_seat=2900, created_at=now)
        subscribed = [{"workspace": workspaces[f"w{i}"], "plan": plan.id, "seats": 1 + i % 7, "created_at": now}
                      for i in range(0, count, 2)]
        for start in range(0, len(subscribed), 500):
            Subscription.insert_many(subscribed[start:start + 500]).execute()
        PeriodicRun.insert_many([{"path": path, "last_started_at": now, "last_finished_at": now, "created_at": now}
                                 for path, _interval in PERIODIC_JOBS]).execute()
    if is_postgres():
        # A live database has statistics (autovacuum's analyze); right after a bulk seed PostgreSQL has
        # none and plans the list's sign-in subquery as a scan of every person for every row.
        db.database.execute_sql("ANALYZE")


def signed_in_operator(app, now):
    """A test client of an operator past the second factor."""
    from helpdesk.accounts.models import UserSession
    from helpdesk.operator.access import SECOND_FACTOR_LASTS, create_operator
    from helpdesk.operator.models import OperatorSignIn
    from tests.conftest import sign_in
    from tests.factories import make_user

    person = make_user(email="operator@bench.example")
    operator, _created = create_operator(person.email, now=now, terms_version="bench")
    client = app.test_client()
    sign_in(client, operator)
    user_session = UserSession.select().where(UserSession.user == operator).order_by(UserSession.id.desc()).get()
    OperatorSignIn.create(user_session=user_session, method="totp", expires_at=now + SECOND_FACTOR_LASTS)
    return client


def measure_size(count, database_url, requests, rounds, log):
    from bench.__main__ import measure
    from helpdesk import create_app
    from helpdesk.cli import migration_runner
    from helpdesk.core.clock import utcnow
    from helpdesk.extensions import db, limiter

    folder = tempfile.mkdtemp(prefix="bench-operator-")
    url = database_url or f"sqlite:///{folder}/operator-{count}.sqlite3"
    if database_url:
        from bench.__main__ import create_database

        create_database(url, fresh=True)
    app = create_app({"DATABASE_URL": url, "MAIL_URL": f"file://{folder}/outbox", "STORAGE_DIR": f"{folder}/files",
                      "REDIS_URL": None, "HELPDESK_ENV": "development", "BASE_URL": "http://localhost",
                      "RATELIMIT_ENABLED": False, "SIGNUP_MIN_SECONDS": 0})
    now = utcnow()
    with app.app_context(), db.database.connection_context():
        migration_runner().up()
        seed(count, now)
    limiter.enabled = False
    with db.database.connection_context():
        client = signed_in_operator(app, now)
    database = "sqlite" if url.startswith("sqlite") else "postgresql"
    results = []
    with db.database.connection_context():
        from helpdesk.workspaces.models import Workspace

        middle = Workspace.select(Workspace.id).order_by(Workspace.id).offset(count // 2).scalar()
    pages = {"operator_dashboard": ["/operator/dashboard"],
             "operator_workspaces": ["/operator/workspaces/", "/operator/workspaces/?state=trial",
                                     "/operator/workspaces/?plan=1", "/operator/workspaces/?q=Workspace+77",
                                     f"/operator/workspaces/?after={middle}",
                                     "/operator/workspaces/?seats_min=3&inactive_since=2020-01-01",
                                     f"/operator/workspaces/?plan=1&after={middle}"]}
    measured = {name: [] for name in pages}
    for round_number in range(rounds):  # rounds interleave, so a burst of other work hits them all
        for name, page_urls in pages.items():
            urls = (page_urls * requests)[:requests]
            warmup = 10 if round_number == 0 else 0
            started = time.process_time()
            result = measure(client, urls, warmup=warmup)
            cpu_ms = (time.process_time() - started) * 1000 / (len(urls) + warmup)
            measured[name].append((*result, round(cpu_ms, 2)))
    for name, rounds_measured in measured.items():
        p50, p95, _queries, cpu_ms = min(rounds_measured, key=lambda m: m[1])  # the quietest round
        queries = max(m[2] for m in rounds_measured)
        spread = ", ".join(f"{m[1]:.1f}" for m in rounds_measured)
        log(f"  {name} at {count:,} workspaces: p50 {p50} ms, p95 {p95} ms, {queries} statements, "
            f"{cpu_ms} ms of this process's CPU per request (p95 of each round: {spread})")
        results.append({"name": name, "tickets": 0, "workspaces": count, "database": database,
                        "p50_ms": p50, "p95_ms": p95, "queries": queries, "cpu_ms": cpu_ms,
                        "target_p95_ms": TARGET_P95_MS})
    return results


def run(database_url=None, requests=100, rounds=3, log=print):
    results = []
    for count in SIZES:
        url = None
        if database_url:
            from bench.__main__ import database_url as bench_database_url

            url = bench_database_url(database_url, f"operator_dashboard_{count}")
        results.extend(measure_size(count, url, requests, rounds, log))
    for name in ("operator_dashboard", "operator_workspaces"):
        if len({r["queries"] for r in results if r["name"] == name}) != 1:
            log(f"  MISS: {name}'s statement count grows with the workspaces")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.operator_dashboard", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each page; the lowest p95 is kept")
    args = parser.parse_args(argv)
    from bench.__main__ import RESULTS, merge

    merge(RESULTS, run(args.database_url, max(args.requests, 50), max(args.rounds, 1)))
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
