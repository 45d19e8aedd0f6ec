"""`python -m bench` (`make bench`): server time of the inbox, search and ticket pages at 10k, 100k, 1M tickets.

Each size has its own database, seeded once by `bench.seed` and reused while it
holds a complete seed of that size: a SQLite file `instance/bench-<size>.sqlite3`,
or, when `DATABASE_URL` (or `--database-url`) names a PostgreSQL database `<db>`,
the database `<db>_bench_<size>` on the same server. The app's own database is
never touched.

Every measurement is at least 50 GET requests through the WSGI app
(`app.test_client()`, signed in as an agent, rate limits off) after a warm-up,
timed with `time.perf_counter()`; it reports the median, the 95th percentile and
the SQL statements per request. Measurements run in interleaved rounds (3 by
default) and the round with the lowest p95 is kept, which discounts bursts of
other work on a shared machine. Results go to `bench/results.json` (merged with
the entries of other databases and sizes) and a table on stdout.
"""
import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.helpcenter import MEASUREMENTS as HELP_CENTER_MEASUREMENTS
from bench.suggestions import MEASUREMENTS as SUGGESTION_MEASUREMENTS
from bench.querycount import count_queries

SIZES = (10_000, 100_000, 1_000_000)
RESULTS = Path(__file__).resolve().parent / "results.json"
SLUG = "bench"
SLOW_MS = 500  # a measurement whose median is slower than this is not repeated in further rounds
# name: (what it is, p95 target in ms or None, query ceiling or None)
MEASUREMENTS = {
    "inbox_first_page": ("GET ?view=open", 25, 10),
    "inbox_deep_page": ("GET ?view=solved&after=<an id in the oldest 10%>", None, None),
    "inbox_deep_page_activity": ("GET ?view=solved&sort=activity&after=<a cursor in the oldest 10%>", None, None),
    "filtered_pending_activity": ("GET ?view=pending&sort=activity", None, None),
    "filtered_tag": ("GET ?tag=<a tag on 1-10% of tickets>", None, None),
    "filtered_tag_old": ("GET ?tag=<a tag only on the oldest 3% of tickets>", None, None),
    "search": ("GET ?q=<a word in 1-10% of tickets>", 100, None),
    "search_common": ("GET ?q=<a word in >30% of tickets> (information)", None, None),
    "ticket_page": ("GET /tickets/<number>", 25, 10),
    "saved_view_three_filters": ("GET ?saved=<a view: open, unassigned, tag refund>", 25, 10),
    "notifications_menu": ("GET /notifications/menu (the header menu, 300 notifications)", 25, 5),
    **HELP_CENTER_MEASUREMENTS,  # bench/helpcenter.py: 10,000 articles, its own database
    **SUGGESTION_MEASUREMENTS,  # bench/suggestions.py: 100,000 suggestions, 1M votes, its own database
}
SEARCH_WORDS = ["refund", "warranty", "printer", "integration", "subscription", "tracking", "coupon", "webhook"]
COMMON_WORDS = ["regards", "hello", "thanks"]
TAGS = ["refund", "shipping", "vip", "known-issue", "warranty", "calendar"]


def database_url(base, size):
    """The benchmark database of `size` tickets derived from `base` (None: SQLite in instance/)."""
    from helpdesk.config import INSTANCE_DIR

    if not base:
        return f"sqlite:///{INSTANCE_DIR / f'bench-{size}.sqlite3'}"
    if "{size}" in base:
        return base.format(size=size)
    if base.startswith("sqlite:///"):
        path = Path(base[len("sqlite:///"):])
        suffix = path.suffix or ".sqlite3"
        return f"sqlite:///{path.with_name(f'{path.stem}-bench-{size}{suffix}')}"
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "helpdesk"
    return urlunsplit(parts._replace(path=f"/{name}_bench_{size}"))


def engine(url):
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _postgres_admin(url):
    """An autocommit connection to the `postgres` database of the server of `url`, and the database name."""
    import psycopg

    parts = urlsplit(url.replace("postgresql://", "postgres://", 1))
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def create_database(url, *, fresh):
    """Make sure the database of `url` exists (dropped and created again when `fresh`)."""
    if engine(url) == "sqlite":
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    connection, name = _postgres_admin(url)
    with connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def build_app(url):
    from helpdesk import create_app

    return create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "BASE_URL": "http://localhost",
                       "HELPDESK_ENV": "development"})


def is_seeded(size):
    """True when the database holds a complete seed of `size` tickets made by this version of bench.seed."""
    from bench.seed import workspace_name
    from helpdesk.workspaces.models import Workspace

    workspace = Workspace.get_or_none(Workspace.slug == SLUG)
    return workspace is not None and workspace.name == workspace_name(size)


def prepare_seeded(url, seeded, seed, label, log):
    """Make sure the database of `url` holds a complete seed (`seeded()` says so), else run `seed()` (which
    returns its seconds) on a fresh one; the seconds seeding took (None: reused)."""
    from helpdesk.cli import migration_runner
    from helpdesk.extensions import db

    create_database(url, fresh=False)
    app = build_app(url)
    with app.app_context(), db.database.connection_context():
        migration_runner().up()
        if seeded():
            log(f"{label}: reusing {url}")
            return None
    log(f"{label}: seeding {url}")
    create_database(url, fresh=True)
    app = build_app(url)
    with app.app_context(), db.database.connection_context():
        migration_runner().up()
        seconds = seed()
    log(f"{label}: seeded in {seconds:.0f}s")
    return seconds


def prepare(url, size, log):
    """Make sure the database of `url` holds a complete seed of `size` tickets; the seconds seeding took (None: reused)."""
    from bench.seed import seed_workspace

    return prepare_seeded(url, lambda: is_seeded(size),
                          lambda: seed_workspace(size, slug=SLUG, progress=log).seconds, f"{engine(url)} {size:,}", log)


def _share(workspace_id, word, newest_id, sample):
    """The share of the newest `sample` tickets that a search for `word` finds."""
    from helpdesk.tickets import search

    found = search.search_ticket_ids(workspace_id, word, limit=sample)
    return sum(1 for ticket_id in found if ticket_id > newest_id - sample) / sample


NOTIFICATIONS = 300


def _give_notifications(workspace, user_id, newest_id):
    """The measured agent has NOTIFICATIONS notifications (a third unread) on recent tickets, once."""
    from helpdesk.core.clock import utcnow
    from helpdesk.notifications.models import Kind, Notification

    if Notification.of(workspace).where(Notification.user == user_id).exists():
        return
    now = utcnow()
    Notification.insert_many([
        {"workspace": workspace.id, "user": user_id, "ticket": newest_id - i, "kind": Kind.ALL[i % 3],
         "excerpt": "Could you look at this one?", "created_at": now, "read_at": None if i % 3 else now}
        for i in range(NOTIFICATIONS)]).execute()


def _give_saved_view(workspace, user_id):
    """The measured agent's saved view with three filters (open, unassigned, tagged refund), once; its id."""
    from helpdesk.core.clock import utcnow
    from helpdesk.tickets.filters import NOBODY, Filters
    from helpdesk.tickets.models import SavedView
    from helpdesk.tickets.saved_views import save_view

    name = "Unassigned open refunds"
    found = SavedView.of(workspace).where(SavedView.owner == user_id, SavedView.name == name).first()
    return (found or save_view(workspace, user_id, name, Filters(status="open", assignee=NOBODY, tag="refund"),
                               shared=False, now=utcnow())).id


def plan(app, size, rng, requests):
    """The signed-in client, for each measurement the URLs to request (one per request), a note on the search
    words, and the agent's session key (`bench.cpu` signs its own clients in with it)."""
    from bench.seed import OLD_TAG
    from helpdesk.accounts.sessions import open_session
    from helpdesk.core.clock import utcnow
    from helpdesk.extensions import db
    from helpdesk.tickets.inbox import encode_cursor
    from helpdesk.tickets.models import Status, Ticket
    from helpdesk.workspaces.models import Membership, Role, Workspace

    with app.app_context(), db.database.connection_context():
        workspace = Workspace.get(Workspace.slug == SLUG)
        agent = Membership.of(workspace).where(Membership.role == Role.AGENT).order_by(Membership.id).first()
        session_key = open_session(agent.user, method="password", now=utcnow(), lasts=timedelta(days=1)).session_key
        newest_id = Ticket.of(workspace, Ticket.id).order_by(Ticket.id.desc()).scalar()
        oldest = (Ticket.of(workspace, Ticket.id)  # cursors in the oldest 10%: the last pages of "solved"
                  .where(Ticket.status == Status.SOLVED, Ticket.id < newest_id - size * 9 // 10)
                  .order_by(Ticket.id).limit(5000).tuples())
        cursors = [ticket_id for (ticket_id,) in oldest]
        oldest_activity = (Ticket.of(workspace, Ticket.id, Ticket.last_customer_activity_at)
                           .where(Ticket.status == Status.SOLVED)
                           .order_by(Ticket.last_customer_activity_at, Ticket.id).limit(size // 10))
        activity_cursors = [encode_cursor(ticket, "activity") for ticket in list(oldest_activity)[-5000:]]
        _give_notifications(workspace, agent.user_id, newest_id)
        saved_view = _give_saved_view(workspace, agent.user_id)
        sample = min(size, 20_000)
        shares = {word: _share(workspace.id, word, newest_id, sample) for word in SEARCH_WORDS + COMMON_WORDS}
    medium = [w for w in SEARCH_WORDS if 0.01 <= shares[w] <= 0.10] or SEARCH_WORDS[:3]
    common = [w for w in COMMON_WORDS if shares[w] >= 0.30] or COMMON_WORDS[:1]
    base = f"/w/{SLUG}/tickets/"

    def urls(make):
        return [make(k) for k in range(requests)]

    planned = {
        "inbox_first_page": urls(lambda k: base + "?view=open"),
        "inbox_deep_page": urls(lambda k: base + "?" + urlencode({"view": "solved",
                                                                   "after": rng.choice(cursors)})),
        "inbox_deep_page_activity": urls(lambda k: base + "?" + urlencode(
            {"view": "solved", "sort": "activity", "after": rng.choice(activity_cursors)})),
        "filtered_pending_activity": urls(lambda k: base + "?view=pending&sort=activity"),
        "filtered_tag": urls(lambda k: base + "?" + urlencode({"tag": TAGS[k % len(TAGS)]})),
        "filtered_tag_old": urls(lambda k: base + "?" + urlencode({"tag": OLD_TAG})),
        "search": urls(lambda k: base + "?" + urlencode({"q": medium[k % len(medium)]})),
        "search_common": urls(lambda k: base + "?" + urlencode({"q": common[k % len(common)]})),
        "ticket_page": urls(lambda k: f"{base}{rng.randint(1, size)}"),
        "saved_view_three_filters": urls(lambda k: base + f"?saved={saved_view}"),
        "notifications_menu": urls(lambda k: f"/w/{SLUG}/notifications/menu"),
    }
    client = app.test_client()
    with client.session_transaction() as session:  # signed in as flask-login does it
        session["_user_id"] = session_key
        session["_fresh"] = True
    words = ", ".join(f"{w} {shares[w]:.1%}" for w in medium + common)
    return client, planned, f"search words (share of the newest {sample:,} tickets): {words}", session_key


def measure(client, urls, warmup):
    """(p50 ms, p95 ms, max queries per request) over `urls`, after `warmup` untimed requests.

    Each of `urls` is a URL answered 200, or a (url, headers, expected status) tuple, or with a fourth
    item, a form to POST.
    """
    for url in urls[:warmup]:
        _get(client, url)
    timings, queries = [], 0
    gc.collect()
    for url in urls:
        with count_queries() as counter:
            started = time.perf_counter()
            _get(client, url)
            timings.append((time.perf_counter() - started) * 1000)
        queries = max(queries, counter.count)
    p95 = statistics.quantiles(timings, n=100, method="inclusive")[94]
    return round(statistics.median(timings), 2), round(p95, 2), queries


def request_bench_main(run, prog, doc, argv=None):
    """The command line of a bench of requests (`python -m bench.<name>`): database, requests and rounds
    given to `run`, its entries merged into the results file."""
    import os

    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    merge(RESULTS, run(args.database_url, max(args.requests, 50), max(args.rounds, 1)))
    print(f"written: {RESULTS}")


def measure_rounds(client, planned, *, rounds, warmup, log, **entry):
    """Every measurement of `planned` ({name: requests}) in interleaved rounds; a results entry each (the
    round with the lowest p95, the most queries of any round), with `entry`'s fields, logged as it goes."""
    measured = {name: [] for name in planned}
    for round_number in range(rounds):
        for name, requests in planned.items():
            measured[name].append(measure(client, requests, warmup if round_number == 0 else 0))
    results = []
    for name, runs in measured.items():
        p50, p95, _ = min(runs, key=lambda m: m[1])
        results.append({"name": name, "tickets": 0, **entry, "p50_ms": p50, "p95_ms": p95,
                        "queries": max(m[2] for m in runs)})
        log(f"  {name:24} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  {results[-1]['queries']:2d} queries  "
            f"(p95 of each round: {', '.join(f'{m[1]:.1f}' for m in runs)})  {verdict(results[-1])}")
    return results


def _get(client, request):
    url, headers, status, form = (request, None, 200, None) if isinstance(request, str) else (*request, None)[:4]
    response = client.get(url, headers=headers) if form is None else client.post(url, headers=headers, data=form)
    if response.status_code != status:
        raise SystemExit(f"bench: {'GET' if form is None else 'POST'} {url} answered {response.status_code}, "
                         f"not {status}")
    return response


def check_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = {"workspace.tickets.inbox_view", "workspace.tickets.ticket_view"} - endpoints
    if missing:
        raise SystemExit(f"bench: the app has no endpoint {', '.join(sorted(missing))}")


def run_size(app, url, size, args, log, cpu=False):
    from helpdesk.extensions import db

    check_endpoints(app)
    gc.collect()
    database = engine(url)
    rng = random.Random(size)
    client, planned, note, session_key = plan(app, size, rng, args.requests)
    if args.persistent_connection:
        # One connection for all requests, as a connection pool would give: the app's request hook
        # reuses an open connection and leaves it open.
        database += "+persistent"
        db.database.connect(reuse_if_open=True)
    log(f"{database} {size:,}: {note}")
    rounds = {name: [] for name in planned}
    for round_number in range(args.rounds):  # rounds interleave, so a burst of other work hits them all
        for name, urls in planned.items():
            if rounds[name] and rounds[name][0][0] > SLOW_MS:
                continue  # far off any target: another round would change nothing but the waiting
            rounds[name].append(measure(client, urls, warmup=args.warmup if round_number == 0 else 0))
    results = []
    for name, measured in rounds.items():
        p50, p95, _ = min(measured, key=lambda m: m[1])  # the quietest round
        queries = max(m[2] for m in measured)
        results.append({"name": name, "tickets": size, "database": database, "p50_ms": p50, "p95_ms": p95,
                        "queries": queries})
        spread = ", ".join(f"{m[1]:.1f}" for m in measured)
        log(f"  {name:27} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  {queries:2d} queries  (p95 of each round: {spread})")
    if not db.database.is_closed():
        db.database.close()
    if cpu:
        from bench import cpu as cpu_bench

        results.extend(cpu_bench.run(app, url, size, engine(url), planned, session_key, requests=args.cpu_requests,
                                     rounds=args.rounds, log=log))
    return results


def merge(path, fresh):
    """Entries of `path` not measured again, then the fresh ones."""
    measured = {(r["name"], r["tickets"], r["database"]) for r in fresh}
    try:
        kept = [r for r in json.loads(path.read_text()) if (r["name"], r["tickets"], r["database"]) not in measured]
    except (FileNotFoundError, ValueError):
        kept = []
    order = list(MEASUREMENTS)
    entries = kept + fresh
    entries.sort(key=lambda r: (r["database"], r["tickets"], order.index(r["name"]) if r["name"] in order else 99))
    path.write_text(json.dumps(entries, indent=2) + "\n")
    return entries


def verdict(entry):
    _, target_ms, max_queries = MEASUREMENTS.get(entry["name"], (None, None, None))
    checks = []
    if target_ms is not None:
        checks.append(entry["p95_ms"] < target_ms)
    if max_queries is not None:
        checks.append(entry["queries"] <= max_queries)
    if not checks:
        return ""
    targets = " & ".join(filter(None, [f"p95<{target_ms}" if target_ms else "",
                                        f"q<={max_queries}" if max_queries else ""]))
    return f"{'ok  ' if all(checks) else 'MISS'} ({targets})"


def table(entries):
    lines = [f"{'database':10} {'tickets':>9}  {'measurement':27} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7}  target",
             "-" * 96]
    for e in entries:
        lines.append(f"{e['database']:10} {e['tickets']:>9,}  {e['name']:27} {e['p50_ms']:8.2f} {e['p95_ms']:8.2f} "
                     f"{e['queries']:7d}  {verdict(e)}")
    return "\n".join(lines)


def cpu_table(entries):
    """The CPU-under-load entries of `bench.cpu`, each beside the baseline's."""
    from bench.cpu import TARGET_RATIO

    lines = [f"{'database':10} {'tickets':>9}  {'cpu per request under load':27} {'ms':>7} {'baseline':>8} {'ratio':>6}",
             "-" * 78]
    for e in entries:
        verdict_text = "" if e["name"] == "cpu_baseline" else (
            f"{'ok  ' if e['ratio'] <= TARGET_RATIO else 'MISS'} (<= {TARGET_RATIO:.0f}x)")
        lines.append(f"{e['database']:10} {e['tickets']:>9,}  {e['name']:27} {e['cpu_ms']:7.2f} "
                     f"{e['baseline_cpu_ms']:8.2f} {e['ratio']:5.1f}x  {verdict_text}")
    return "\n".join(lines) + "\n"


def run_mail_ingest(base_url, messages, log):
    """Messages per second from raw bytes to a stored ticket (`bench.mail_ingest`), as a results entry."""
    from bench import mail_ingest

    url = database_url(base_url, "mail") if base_url else None
    if url and engine(url) == "postgresql":
        create_database(url, fresh=True)
    log(f"mail ingestion: {messages} messages on {engine(url) if url else 'sqlite'}")
    result = mail_ingest.run(url if url and engine(url) == "postgresql" else None, count=messages)
    result["tickets"] = 0
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="ticket counts, comma-separated (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="only 10,000 tickets (a smoke run)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="base URL of the benchmark databases (default: DATABASE_URL, else SQLite files); "
                             "'{size}' in it is replaced by the size")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per measurement (min 50)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of every measurement; the round with the lowest p95 is kept (default 3)")
    parser.add_argument("--persistent-connection", action="store_true",
                        help="keep one database connection across requests (what a pool gives); "
                             "recorded as database '<engine>+persistent'")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--cpu-requests", type=int, default=400,
                        help="requests per page and round of the CPU-under-load measurement, at the largest size "
                             "(bench/cpu.py; 0 skips it)")
    parser.add_argument("--no-help-center", action="store_true", help="skip the help center's measurements")
    parser.add_argument("--no-suggestions", action="store_true",
                        help="skip the suggestions board's measurements (100,000 suggestions, 1M votes)")
    parser.add_argument("--no-lifecycle", action="store_true", help="skip the lifecycle job over 1k and 10k workspaces")
    parser.add_argument("--no-operator-dashboard", action="store_true",
                        help="skip the operator dashboard at 1k and 10k workspaces")
    parser.add_argument("--deletion-tickets", type=int, default=1_000_000,
                        help="tickets of the workspace deleted by the deletion measurement (0: skip it; SQLite)")
    parser.add_argument("--mail-messages", type=int, default=1000,
                        help="messages of the mail ingestion measurement (0: skip it; default %(default)s)")
    args = parser.parse_args(argv)
    args.requests, args.rounds = max(args.requests, 50), max(args.rounds, 1)
    sizes = [10_000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    def log(line):
        print(line, flush=True)

    urls = {size: database_url(args.database_url, size) for size in sizes}
    if args.database_url and args.database_url in urls.values():
        raise SystemExit("bench: refusing to use the app's own database; put '{size}' in --database-url")
    seeds = {}
    for size, url in urls.items():  # every database seeded first: measurements do not follow heavy writes
        seed_seconds = prepare(url, size, log)
        if seed_seconds is not None:
            seeds[(engine(url), size)] = seed_seconds
    fresh = []
    for size, url in urls.items():
        fresh.extend(run_size(build_app(url), url, size, args, log, cpu=bool(args.cpu_requests) and size == max(urls)))
    if not args.no_help_center:
        from bench import helpcenter

        log("help center: 10,000 published articles")
        fresh.extend(helpcenter.run(args.database_url, args.requests, args.rounds, args.warmup, log=log))
    if not args.no_suggestions:
        from bench import suggestions

        log("suggestions board: 100,000 suggestions, 1,000,000 votes, 300,000 comments")
        fresh.extend(suggestions.run(args.database_url, args.requests, args.rounds, args.warmup, log=log))
    if not args.no_lifecycle:
        from bench import lifecycle

        log("lifecycle job: 1,000 and 10,000 workspaces")
        fresh.extend(lifecycle.run(args.database_url, log=log))
    if not args.no_operator_dashboard:
        from bench import operator_dashboard

        log("operator dashboard: 1,000 and 10,000 workspaces, a year of daily snapshots")
        fresh.extend(operator_dashboard.run(args.database_url, args.requests, args.rounds, log=log))
    if args.deletion_tickets:
        from bench import deletion

        log(f"deleting a workspace of {args.deletion_tickets:,} tickets")
        fresh.append(deletion.run(args.deletion_tickets, log=log))
    ingest = None
    if args.mail_messages:
        ingest = run_mail_ingest(args.database_url, args.mail_messages, log)
        fresh.append(ingest)
    entries = merge(args.output, fresh)
    print()
    cpu_entries = [e for e in fresh if "cpu_ms" in e]
    if cpu_entries:
        print(cpu_table(cpu_entries))
    print(table([e for e in entries if "p50_ms" in e and
                 (e["database"], e["tickets"]) in {(r["database"], r["tickets"]) for r in fresh}]))
    if ingest:
        print(f"\nmail ingestion ({ingest['database']}): {ingest['messages_per_second']:.0f} messages/s "
              f"({ingest['messages']} messages, {ingest['megabytes']} MB, one worker) "
              + (f"{'ok  ' if ingest['meets_target'] else 'MISS'} (>= {ingest['target_per_second']}/s)"
                 if ingest["database"] == "sqlite" else "(the target is for SQLite)"))
    for (database, size), seconds in seeds.items():
        print(f"seeded {database} {size:,} tickets in {seconds:.0f}s")
    print(f"\nwritten: {args.output}")


if __name__ == "__main__":
    sys.exit(main())
