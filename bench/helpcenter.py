"""`python -m bench.helpcenter` (part of `make bench`): the public help center with 10,000 published articles.

A workspace `bench-kb` with 100 categories (20 top-level, 4 sub-categories each) and 10,000 published
articles (plus 500 drafts and 500 internal ones that must stay invisible), seeded once into its own
database (`instance/bench-helpcenter.sqlite3`, or `<db>_bench_helpcenter` on PostgreSQL) and reused.
Anonymous GET requests through the WSGI app, timed with `time.perf_counter()` after a warm-up, in
interleaved rounds (the round with the lowest p95 is kept): p50, p95 and SQL statements per request.
"""
import json
import random
import sys
import time
from datetime import timedelta

from bench import text

SLUG = "bench-kb"
ARTICLES, CATEGORIES, TOP_LEVEL = 10_000, 100, 20
SEED_VERSION = f"Help center bench v1 {ARTICLES}"
# name: (what it is, p95 target in ms, query ceiling)
MEASUREMENTS = {
    "hc_home": ("GET /h/bench-kb/", 10, 5),
    "hc_category": ("GET /categories/<a sub-category>", 10, 5),
    "hc_article": ("GET /articles/<id>-<slug>", 10, 5),
    "hc_search": ("GET /search?q=<a topic word> (the page)", 30, None),
    "hc_search_as_you_type": ("GET /search?q=<a prefix> with HX-Request (the results)", 30, None),
    "hc_revalidation_304": ("GET /articles/<id>-<slug> with If-None-Match", 2, None),
}
SEARCH_WORDS = ["refund", "printer", "invoice", "password", "tracking", "subscription", "crashes", "export"]
PREFIXES = ["ref", "prin", "invo", "passw", "track", "subsc", "crash", "expo"]


def _body(rng, topic, number):
    """A Markdown article: three sections of a topic's sentences, a list and sometimes a table."""
    _tag, subjects, customer, agent = topic
    fill = {"order": f"#{100000 + number}", "product": rng.choice(text.PRODUCTS), "invoice": f"INV-{number}",
            "browser": rng.choice(text.BROWSERS), "version": rng.choice(text.VERSIONS)}
    sentences = [s.format(**fill) for s in rng.sample(customer, 3) + rng.sample(agent, 2)]
    parts = [f"## When this happens\n{sentences[0]} {sentences[1]}", f"## What to do\n{sentences[3]}\n\n"
             f"1. {sentences[4]}\n2. {sentences[2]}", f"## Still stuck\nWrite to us and quote article {number}."]
    if number % 5 == 0:
        parts.insert(2, "| Plan | Limit |\n|---|---|\n| Team | 10 |\n| Business | 50 |")
    return "\n\n".join(parts), subjects[number % len(subjects)].format(**fill), sentences[0]


def seed(progress=print):
    """Categories and articles written in bulk (Markdown rendered as a save would); returns seconds."""
    from helpdesk.extensions import is_postgres
    from helpdesk.core.clock import utcnow
    from helpdesk.extensions import db
    from helpdesk.knowledge import services as kb
    from helpdesk.knowledge.markup import render_markdown
    from helpdesk.knowledge.models import Article, ArticleRevision, State
    from helpdesk.workspaces.models import Membership
    from tests.factories import make_workspace

    started, rng, now = time.perf_counter(), random.Random(11), utcnow()
    workspace = make_workspace(name=SEED_VERSION)
    workspace.slug = SLUG
    workspace.save()
    owner = Membership.of(workspace).get()
    top = [kb.save_category(workspace, owner, None, name=f"Topic {n}: {text.TOPICS[n % len(text.TOPICS)][0]}",
                            description="Answers about " + text.TOPICS[n % len(text.TOPICS)][0], position=n,
                            parent_id=None, now=now) for n in range(TOP_LEVEL)]
    subs = [kb.save_category(workspace, owner, None, name=f"Section {n}", description="", position=n,
                             parent_id=top[n % TOP_LEVEL].id, now=now) for n in range(CATEGORIES - TOP_LEVEL)]
    states = [State.PUBLISHED] * ARTICLES + [State.DRAFT] * 500 + [State.INTERNAL] * 500
    rows = []
    for number, state in enumerate(states, start=1):
        topic = text.TOPICS[min(int(rng.paretovariate(1.2)) - 1, len(text.TOPICS) - 1)]
        body, title, summary = _body(rng, topic, number)
        html, plain, headings = render_markdown(body)
        rows.append({"workspace": workspace.id, "category": subs[number % len(subs)].id,
                     "title": f"{title} ({number})", "slug": kb.slug_of(f"{title} {number}"), "summary": summary,
                     "body": body, "body_html": html, "body_text": plain, "toc": json.dumps(headings),
                     "state": state, "author": owner.user_id, "updated_by": owner.user_id,
                     "updated_at": now - timedelta(minutes=number), "created_at": now, "version": 1,
                     "helpful_yes": rng.randint(0, 40), "helpful_no": rng.randint(0, 10)})
    for chunk in range(0, len(rows), 500):
        with db.database.atomic():
            Article.insert_many(rows[chunk:chunk + 500]).execute()
        progress(f"  {min(chunk + 500, len(rows)):,} articles")
    with db.database.atomic():
        revisions = (Article.of(workspace, Article.id, Article.title, Article.summary, Article.body, Article.state,
                                Article.category).tuples())
        batch = [{"workspace": workspace.id, "article": a, "version": 1, "title": t, "summary": s, "body": b,
                  "state": st, "category_id_at": c, "author": owner.user_id, "created_at": now}
                 for a, t, s, b, st, c in revisions]
        for chunk in range(0, len(batch), 500):
            ArticleRevision.insert_many(batch[chunk:chunk + 500]).execute()
        kb._recount(workspace, {c.id for c in top + subs})
        kb.touch(workspace, now)
    if is_postgres():
        db.database.execute_sql("ANALYZE")
    return time.perf_counter() - started


def _seeded():
    from helpdesk.workspaces.models import Workspace

    found = Workspace.get_or_none(Workspace.slug == SLUG)
    return found is not None and found.name == SEED_VERSION


def prepare(url, log):
    """The app on a database holding the help center's seed (made once)."""
    from bench.__main__ import build_app, prepare_seeded

    prepare_seeded(url, _seeded, lambda: seed(progress=log), "help center", log)
    return build_app(url)


def plan(app, requests, rng):
    """For each measurement, the requests to make: (url, headers, expected status)."""
    from helpdesk.extensions import db
    from helpdesk.knowledge.models import Article, Category, State
    from helpdesk.workspaces.models import Workspace

    base = f"/h/{SLUG}/"
    with app.app_context(), db.database.connection_context():
        workspace = Workspace.get(Workspace.slug == SLUG)
        articles = list(Article.of(workspace, Article.id, Article.slug).where(Article.state == State.PUBLISHED)
                        .tuples())
        subs = [c for (c,) in Category.of(workspace, Category.id).where(Category.parent.is_null(False)).tuples()]
    picked = [rng.choice(articles) for _ in range(requests)]
    client = app.test_client()
    etags = {}
    for article_id, slug in set(picked):
        etags[article_id] = client.get(f"{base}articles/{article_id}-{slug}").headers["ETag"]
    htmx = {"HX-Request": "true"}
    return client, {
        "hc_home": [(base, {}, 200)] * requests,
        "hc_category": [(f"{base}categories/{rng.choice(subs)}", {}, 200) for _ in range(requests)],
        "hc_article": [(f"{base}articles/{a}-{s}", {}, 200) for a, s in picked],
        "hc_search": [(f"{base}search?q={SEARCH_WORDS[k % len(SEARCH_WORDS)]}", {}, 200) for k in range(requests)],
        "hc_search_as_you_type": [(f"{base}search?q={PREFIXES[k % len(PREFIXES)]}", htmx, 200)
                                  for k in range(requests)],
        "hc_revalidation_304": [(f"{base}articles/{a}-{s}", {"If-None-Match": etags[a]}, 304) for a, s in picked],
    }


def run(database_url=None, requests=60, rounds=3, warmup=10, log=print):
    """Seed if needed, measure, and return results entries (as bench/results.json holds them)."""
    from bench.__main__ import database_url as bench_database_url
    from bench.__main__ import engine, measure_rounds

    url = bench_database_url(database_url, "helpcenter")
    app = prepare(url, log)
    client, planned = plan(app, requests, random.Random(7))
    return measure_rounds(client, planned, rounds=rounds, warmup=warmup, log=log, articles=ARTICLES,
                          database=engine(url))


def main(argv=None):
    from bench.__main__ import request_bench_main

    request_bench_main(run, "python -m bench.helpcenter", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
