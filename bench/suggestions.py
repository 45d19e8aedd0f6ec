"""`python -m bench.suggestions` (part of `make bench`): the public suggestions board at 100k suggestions.

A workspace `bench-board` with 100,000 suggestions, 1,000,000 votes (by 20,000 end users, a few
suggestions with thousands, most with a handful, cast over two years) and 300,000 comments (50
suggestions with 200 each, the rest spread; one in four a reply), seeded once in bulk into its own
database (`instance/bench-suggestions.sqlite3`, or `<db>_bench_suggestions` on PostgreSQL) and reused;
the trending counts come from the daily job (`suggestions.trending.recount_trending`), timed as part of
the seed. Requests through the WSGI app signed in as an end user (who voted on the pages they read),
after a warm-up, in interleaved rounds (the round with the lowest p95 is kept): p50, p95 and SQL
statements per request.
"""
import random
import re
import sys
import time
from datetime import timedelta

SLUG = "bench-board"
SUGGESTIONS, VOTES, COMMENTS, END_USERS = 100_000, 1_000_000, 300_000, 20_000
BIG_THREADS, BIG_THREAD_COMMENTS = 50, 200
SEED_VERSION = f"Suggestions bench v1 {SUGGESTIONS}/{VOTES}/{COMMENTS}"
CHUNK = 5000  # suggestions per transaction
DAYS = 730
TAGS = ["Reports", "Mobile app", "Integrations", "Billing", "Email", "Accessibility", "API", "Search"]
STATUS_WEIGHTS = {"open": 70, "under_review": 8, "planned": 5, "in_progress": 3, "done": 10, "declined": 4}
# name: (what it is, p95 target in ms, query ceiling)
MEASUREMENTS = {
    "board_top": ("GET /h/bench-board/suggestions/ (top)", 15, 6),
    "board_new": ("GET ?sort=new", 15, 6),
    "board_trending": ("GET ?sort=trending", 15, 6),
    "board_status": ("GET ?status=planned", 15, 6),
    "board_deep_top": ("GET ?after=<a cursor in the last 10% of top>", 15, 6),
    "board_deep_new": ("GET ?sort=new&after=<an id in the oldest 10%>", 15, 6),
    "board_deep_trending": ("GET ?sort=trending&after=<a cursor in the last 10% of trending>", 15, 6),
    "suggestion_page": ("GET /suggestions/<id>-<slug> with 200 comments", 15, 6),
    "roadmap": ("GET /suggestions/roadmap", 15, 6),
    "vote_toggle": ("POST /suggestions/<id>/vote with HX-Request (vote, then take it back)", 15, 6),
}


def _titles(rng, n):
    from bench import text

    topic = text.TOPICS[n % len(text.TOPICS)]
    verb = rng.choice(["Add", "Allow", "Support", "Let us", "Show", "Export", "Sync", "Improve"])
    return f"{verb} {topic[0]} {rng.choice(text.PRODUCTS)} ({n})"


def seed(progress=print):
    """Every row written in bulk (as the services would have written them); returns the seconds it took."""
    from bench.seed import (_columns, _create_indexes, _drop_indexes, _PostgresWriter, _secondary_indexes,
                            _SqliteWriter)
    from helpdesk.core.clock import utcnow
    from helpdesk.core.slugs import slugify
    from helpdesk.extensions import db, is_postgres
    from helpdesk.helpcenter.models import EndUser
    from helpdesk.suggestions.models import Suggestion, SuggestionComment, SuggestionTag, SuggestionVote
    from helpdesk.suggestions.trending import recount_trending
    from tests.factories import make_workspace

    started, rng, now = time.perf_counter(), random.Random(12), utcnow()
    workspace = make_workspace(name="Bench board (seeding)")
    workspace.slug = SLUG
    workspace.save()
    ws = workspace.id
    writer = _PostgresWriter(db.database) if is_postgres() else _SqliteWriter(db.database)
    stamp = writer.stamp
    tags = [SuggestionTag.create(workspace=workspace, name=name, position=n).id for n, name in enumerate(TAGS)]
    with db.database.atomic():
        columns, tail = _columns(EndUser, ["workspace", "email", "name", "email_verified_at", "created_at"])
        writer.insert(EndUser._meta.table_name, columns,
                      [(ws, f"person{n}@customers.example", f"Person {n}", stamp(now), stamp(now)) + tail
                       for n in range(END_USERS)])
    emails = dict(EndUser.select(EndUser.id, EndUser.email).where(EndUser.workspace == ws).tuples())
    users = sorted(emails)
    bulk = [Suggestion, SuggestionVote, SuggestionComment]
    indexes = _secondary_indexes([m._meta.table_name for m in bulk])
    _drop_indexes(indexes)
    # Votes per suggestion: a long tail (Pareto), scaled to VOTES in all; the 50 big threads get comments.
    weights = [rng.paretovariate(1.1) for _ in range(SUGGESTIONS)]
    scale = VOTES / sum(weights)
    vote_counts = [max(1, min(END_USERS, round(w * scale))) for w in weights]
    vote_counts[0] += VOTES - sum(vote_counts)  # exactly VOTES
    spread = COMMENTS - BIG_THREADS * BIG_THREAD_COMMENTS
    comment_counts = [BIG_THREAD_COMMENTS if n < BIG_THREADS else 0 for n in range(SUGGESTIONS)]
    for _ in range(spread):
        comment_counts[rng.randrange(BIG_THREADS, SUGGESTIONS)] += 1
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=SUGGESTIONS)
    s_columns, s_tail = _columns(Suggestion, ["id", "workspace", "author", "title", "slug", "description",
                                              "description_html", "tag", "status", "status_changed_at",
                                              "vote_count", "comment_count", "created_at", "updated_at"])
    v_columns, v_tail = _columns(SuggestionVote, ["workspace", "suggestion", "email", "end_user", "created_at"])
    c_columns, c_tail = _columns(SuggestionComment, ["id", "workspace", "suggestion", "parent", "author", "body",
                                                     "body_html", "created_at"])
    first_id = (Suggestion.select(Suggestion.id).order_by(Suggestion.id.desc()).scalar() or 0) + 1
    comment_id = (SuggestionComment.select(SuggestionComment.id).order_by(SuggestionComment.id.desc()).scalar()
                  or 0)
    for chunk in range(0, SUGGESTIONS, CHUNK):
        s_rows, v_rows, c_rows = [], [], []
        for n in range(chunk, min(chunk + CHUNK, SUGGESTIONS)):
            sid = first_id + n
            created = now - timedelta(days=DAYS * (SUGGESTIONS - n) / SUGGESTIONS)  # newer ids, newer posts
            age = now - created
            changed = created + age * rng.random() if statuses[n] != "open" else created
            title = _titles(rng, n)
            author = users[rng.randrange(END_USERS)]
            s_rows.append((sid, ws, author, title, slugify(title, max_length=80, fallback="suggestion"),
                           "It would help our team every day.", "<p>It would help our team every day.</p>",
                           tags[n % len(tags)] if n % 3 else None, statuses[n], stamp(changed), vote_counts[n],
                           comment_counts[n], stamp(created), stamp(changed)) + s_tail)
            for voter in rng.sample(users, vote_counts[n]):
                v_rows.append((ws, sid, emails[voter], voter,
                               stamp(created + age * rng.random())) + v_tail)
            parents = []
            for k in range(comment_counts[n]):
                comment_id += 1
                parent = rng.choice(parents) if parents and k % 4 == 3 else None
                if parent is None:
                    parents.append(comment_id)
                c_rows.append((comment_id, ws, sid, parent, users[rng.randrange(END_USERS)], f"Comment {k}: we need this too.",
                               f"<p>Comment {k}: we need this too.</p>",
                               stamp(created + age * (k + 1) / (comment_counts[n] + 1))) + c_tail)
        with db.database.atomic():
            writer.insert(Suggestion._meta.table_name, s_columns, s_rows)
            writer.insert(SuggestionVote._meta.table_name, v_columns, v_rows)
            writer.insert(SuggestionComment._meta.table_name, c_columns, c_rows)
        progress(f"  {chunk + len(s_rows):,} suggestions")
    _create_indexes(indexes, progress)
    if is_postgres():
        for table in ("suggestion", "suggestion_comment"):  # the ids were given: the sequences follow them
            db.database.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    db.database.execute_sql("ANALYZE")
    recount_started = time.perf_counter()
    recount_trending(now=now)
    progress(f"  trending recounted over {VOTES:,} votes in {time.perf_counter() - recount_started:.1f}s")
    workspace.name = SEED_VERSION
    workspace.save()
    return time.perf_counter() - started


def _seeded():
    from helpdesk.workspaces.models import Workspace

    found = Workspace.get_or_none(Workspace.slug == SLUG)
    return found is not None and found.name == SEED_VERSION


def plan(app, requests, rng):
    """The signed-in client and, for each measurement, its requests: (url, headers, status[, form])."""
    from helpdesk.core.clock import utcnow
    from helpdesk.extensions import db
    from helpdesk.helpcenter import accounts
    from helpdesk.helpcenter.models import EndUser, EndUserSession
    from helpdesk.suggestions import pages
    from helpdesk.suggestions.models import Suggestion, SuggestionVote
    from helpdesk.workspaces.models import Workspace

    base = f"/h/{SLUG}/suggestions/"
    with app.app_context(), db.database.connection_context():
        workspace = Workspace.get(Workspace.slug == SLUG)
        reader = EndUser.of(workspace).order_by(EndUser.id).first()
        EndUserSession.delete().where(EndUserSession.end_user == reader).execute()
        key = accounts.open_session(reader, method=EndUserSession.LINK, now=utcnow())
        newest = Suggestion.of(workspace, Suggestion.id).order_by(Suggestion.id.desc()).scalar()
        deep = {}
        for order in ("top", "trending"):
            column = pages.ORDERS[order]
            rows = (Suggestion.of(workspace, column, Suggestion.id).where(Suggestion.merged_into.is_null())
                    .order_by(column, Suggestion.id).limit(SUGGESTIONS // 10).tuples())
            deep[order] = [f"{count}.{sid}" for count, sid in rows][-2000:]
        oldest = [sid for (sid,) in Suggestion.of(workspace, Suggestion.id).order_by(Suggestion.id)
                  .limit(SUGGESTIONS // 10).tuples()][-2000:]
        big = list(Suggestion.of(workspace, Suggestion.id, Suggestion.slug)
                   .where(Suggestion.comment_count == BIG_THREAD_COMMENTS).order_by(Suggestion.id).tuples())
        # The reader voted for some of what every list shows, so the "voted" marks are read too.
        shown = [s.id for s in pages.board_page(workspace, None)[0]] + [i for i, _ in big[:5]]
        SuggestionVote.insert_many([{"workspace": workspace.id, "suggestion": sid, "email": reader.email,
                                     "end_user": reader.id, "created_at": utcnow()} for sid in shown]
                                   ).on_conflict_ignore().execute()
        votable = [sid for (sid,) in Suggestion.of(workspace, Suggestion.id).where(Suggestion.status == "open")
                   .order_by(Suggestion.id.desc()).limit(requests).tuples()]
    client = app.test_client()
    with client.session_transaction() as session:
        session[accounts.session_key(workspace)] = key
    page = client.get(f"{base}{big[0][0]}-{big[0][1]}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    htmx = {"HX-Request": "true"}

    def get(url):
        return (url, {}, 200)

    toggles = [(f"{base}{votable[k // 2 % len(votable)]}/vote", htmx, 200, {"csrf_token": token})
               for k in range(requests * 2)]  # each suggestion voted for, then taken back: the data stays as it was
    return client, {
        "board_top": [get(base)] * requests,
        "board_new": [get(f"{base}?sort=new")] * requests,
        "board_trending": [get(f"{base}?sort=trending")] * requests,
        "board_status": [get(f"{base}?status=planned")] * requests,
        "board_deep_top": [get(f"{base}?after={rng.choice(deep['top'])}") for _ in range(requests)],
        "board_deep_new": [get(f"{base}?sort=new&after={rng.choice(oldest)}") for _ in range(requests)],
        "board_deep_trending": [get(f"{base}?sort=trending&after={rng.choice(deep['trending'])}")
                                for _ in range(requests)],
        "suggestion_page": [get(f"{base}{sid}-{slug}") for sid, slug in (rng.choice(big) for _ in range(requests))],
        "roadmap": [get(f"{base}roadmap")] * requests,
        "vote_toggle": toggles,
    }, f"newest suggestion id {newest}"


def run(database_url=None, requests=60, rounds=3, warmup=10, log=print):
    """Seed if needed, measure, and return results entries (as bench/results.json holds them)."""
    from bench.__main__ import build_app, engine, measure_rounds, prepare_seeded
    from bench.__main__ import database_url as bench_database_url

    url = bench_database_url(database_url, "suggestions")
    prepare_seeded(url, _seeded, lambda: seed(progress=log), "suggestions board", log)
    app = build_app(url)
    client, planned, note = plan(app, requests, random.Random(5))
    log(f"  {note}")
    # The toggles come in pairs: an even warm-up leaves every vote as seeded.
    return measure_rounds(client, planned, rounds=rounds, warmup=warmup * 2, log=log, suggestions=SUGGESTIONS,
                          votes=VOTES, comments=COMMENTS, database=engine(url))


def main(argv=None):
    from bench.__main__ import request_bench_main

    request_bench_main(run, "python -m bench.suggestions", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
