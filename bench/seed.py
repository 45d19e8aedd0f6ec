"""`flask bench seed --tickets N`: a realistic workspace of N tickets, in minutes even for a million.

Rows are generated in Python and written in bulk (sqlite3 `executemany`, PostgreSQL
`COPY`), a chunk of tickets per transaction, bypassing the per-ticket services; the
result is what those services would have written: ticket numbers 1..N, 3-6 messages
per ticket, `message_count` and `preview` as the services keep them, one search
document per ticket in the format of `helpdesk.tickets.search`, events, tags (on
~40% of tickets), some attachments, ~20 agents and about N/3 customers. Statuses:
15% open, 10% pending, 60% solved, 15% closed; activity spread over two years.

On a database whose ticket tables are still empty (a bench database), secondary
indexes are dropped during the load and rebuilt at the end, which is several times
faster than maintaining them row by row.
"""
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from peewee import fn

from bench import text
from helpdesk.accounts.models import User
from helpdesk.core.clock import utcnow
from helpdesk.core.passwords import hash_password
from helpdesk.customers.models import Customer
from helpdesk.extensions import db, is_postgres
from helpdesk.tickets.models import (
    Attachment,
    CannedReply,
    Channel,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    TicketTag,
)
from helpdesk.tickets.search import document_words, listing_terms
from helpdesk.tickets.services import preview_of
from helpdesk.workspaces.models import Membership, Role, Workspace

bench_cli = AppGroup("bench", help="Benchmark data: a realistic workspace of many tickets.")

AGENT_PASSWORD = "bench-agent-pass"
SEED_VERSION = 2  # bump when the generated data changes: benchmark databases are then seeded again
CHUNK = 5000  # tickets per transaction
DAYS = 730  # tickets spread over two years
STATUS_WEIGHTS = {Status.OPEN: 15, Status.PENDING: 10, Status.SOLVED: 60, Status.CLOSED: 15}
PRIORITY_WEIGHTS = {Priority.LOW: 10, Priority.NORMAL: 70, Priority.HIGH: 15, Priority.URGENT: 5}
CHANNEL_WEIGHTS = {Channel.EMAIL: 70, Channel.WEB: 20, Channel.MANUAL: 10}
TAGGED_SHARE = 0.4
OLD_TAG, OLD_TAG_SPAN = "v1-migration", 0.03  # a tag used only on the oldest 3% of tickets
UNASSIGNED_OPEN_SHARE = 0.35
ATTACHMENT_SHARE = 0.03  # of customer messages
# The tables the seed writes in bulk (and whose indexes it may rebuild), parents first.
BULK_MODELS = [Customer, Ticket, Message, Attachment, TicketEvent, TicketTag]


def workspace_name(n_tickets):
    """The name a seeded workspace gets once complete: tells a finished seed (of this version) from a broken one."""
    return f"Bench: {n_tickets:,} tickets (seed v{SEED_VERSION})"


@dataclass
class SeedResult:
    workspace: Workspace
    agents: list
    tickets: int
    seconds: float
    rows: dict = field(default_factory=dict)


def _weighted(rng, weights, k):
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


# --- writers: one bulk path per database --------------------------------------------------------

def _columns(model, given):
    """Column names for `given` field names, plus every other column with its default (a constant tail).

    Keeps the raw inserts right when a column with a default is added to a model later.
    """
    fields = model._meta.fields
    tail_names, tail = [], []
    for name, model_field in fields.items():
        if name in given:
            continue
        if model_field.primary_key:
            continue
        default = model_field.default
        if callable(default):
            default = default()
        if default is None and not model_field.null:
            raise RuntimeError(f"bench seed: {model.__name__}.{name} has no value and no default")
        tail_names.append(model_field.column_name)
        tail.append(model_field.db_value(default))
    return [fields[name].column_name for name in given] + tail_names, tuple(tail)


class _SqliteWriter:
    def __init__(self, database):
        self.conn = database.connection()

    def insert(self, table, columns, rows):
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        self.conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    def search(self, workspace_id, docs):
        scope, docs = f"w{workspace_id}", list(docs)
        self.conn.executemany("INSERT INTO ticket_search (rowid, scope, body) VALUES (?, ?, ?)",
                              ((ticket_id, scope, body) for ticket_id, body in docs))
        self.conn.execute(*listing_terms(workspace_id, " ".join(body for _, body in docs)))

    @staticmethod
    def stamp(value):
        return None if value is None else str(value)  # peewee's own text form of a datetime


class _PostgresWriter:
    def __init__(self, database):
        self.conn = database.connection()
        with self.conn.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bench_search_text "
                           "(ticket_id integer, body text) ON COMMIT DELETE ROWS")

    def insert(self, table, columns, rows):
        names = ", ".join(f'"{c}"' for c in columns)
        with self.conn.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def search(self, workspace_id, docs):
        self.insert("bench_search_text", ("ticket_id", "body"), docs)
        with self.conn.cursor() as cursor:
            cursor.execute("INSERT INTO ticket_search (ticket_id, workspace_id, document) "
                           "SELECT ticket_id, %s, to_tsvector('simple', body) FROM bench_search_text",
                           (workspace_id,))

    @staticmethod
    def stamp(value):
        return value


# --- index handling --------------------------------------------------------------------------

def _secondary_indexes(tables):
    """[(name, create statement)] of the indexes on `tables` that are not primary keys."""
    if is_postgres():
        rows = db.database.execute_sql(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)", (list(tables),))
    else:
        marks = ", ".join("?" * len(tables))
        rows = db.database.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})", list(tables))
    return list(rows)


def _foreign_keys(tables):
    """[(table, name, definition)] of PostgreSQL foreign keys on `tables`: checked row by row during COPY,
    but in one join when added back at the end."""
    if not is_postgres():
        return []  # SQLite checks a foreign key with a primary-key lookup: cheap
    return list(db.database.execute_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", (list(tables),)))


def _drop_foreign_keys(keys):
    for table, name, _ in keys:
        db.database.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')


def _add_foreign_keys(keys, progress):
    started = time.perf_counter()
    for table, name, definition in keys:
        db.database.execute_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    if keys:
        progress(f"  foreign keys checked: {time.perf_counter() - started:.1f}s")


def _drop_indexes(indexes):
    for name, _ in indexes:
        db.database.execute_sql(f'DROP INDEX "{name}"')


def _create_indexes(indexes, progress):
    for name, sql in indexes:
        started = time.perf_counter()
        db.database.execute_sql(sql)
        progress(f"  index {name}: {time.perf_counter() - started:.1f}s")


# --- the generator ----------------------------------------------------------------------------

def _next_id(model):
    return (model.select(fn.MAX(model.id)).scalar() or 0) + 1


class _Generator:
    """Rows for tickets `start`..: deterministic for a given random seed."""

    def __init__(self, rng, *, workspace_id, n_tickets, now, agents, customers, tag_ids, first_ids, stamp):
        self.rng, self.workspace_id, self.n, self.now = rng, workspace_id, n_tickets, now
        self.agents = agents  # [(id, first name)]
        self.agent_weights = [rng.uniform(0.5, 1.5) for _ in agents]
        self.customers = customers  # number of customers; customer k has id first_ids["customer"] + k
        self.tag_ids = tag_ids  # {name: id}
        self.ids = dict(first_ids)
        self.stamp = stamp
        self.start = now - timedelta(days=DAYS)
        self.step = DAYS * 86400 / n_tickets
        topic_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(text.TOPICS))]
        self.topic_weights = topic_weights
        self.extra_tags = [t for t in text.EXTRA_TAGS if t in tag_ids]

    def customer(self, k):
        """(id, name, email) of customer k (names repeat, emails are unique)."""
        rng = random.Random(k)
        first, last = rng.choice(text.FIRST_NAMES), rng.choice(text.LAST_NAMES)
        email = f"{first}.{last}.{k}@{rng.choice(text.DOMAINS)}".lower()
        return self.ids["customer"] + k, f"{first} {last}", email

    def _fill(self, sentence):
        if "{" not in sentence:
            return sentence
        rng = self.rng
        return sentence.format(order=rng.randint(100000, 999999), product=rng.choice(text.PRODUCTS),
                               invoice=f"INV-{rng.randint(2023, 2025)}-{rng.randint(10000, 99999)}",
                               browser=rng.choice(text.BROWSERS), version=rng.choice(text.VERSIONS))

    def _customer_body(self, topic, first, opening):
        rng = self.rng
        if opening and rng.random() < 0.03:
            return rng.choice(text.FOREIGN)
        sentences = rng.sample(topic[2], rng.randint(1, 2)) if opening else [rng.choice(topic[2])]
        if rng.random() < 0.5:
            sentences.append(rng.choice(text.GENERIC_CUSTOMER))
        body = " ".join(self._fill(s) for s in sentences)
        return f"{rng.choice(text.GREETINGS)}\n\n{body}\n\n{rng.choice(text.SIGN_OFFS)}\n{first}"

    def _agent_body(self, topic, customer_first, agent_first):
        rng = self.rng
        sentences = [rng.choice(topic[3])]
        if rng.random() < 0.6:
            sentences.append(rng.choice(text.GENERIC_AGENT))
        greeting = rng.choice(text.AGENT_GREETINGS).format(first=customer_first)
        return (f"{greeting}\n\n{' '.join(self._fill(s) for s in sentences)}\n\n"
                f"{rng.choice(text.AGENT_SIGN_OFFS)}\n{agent_first}")

    def chunk(self, first, last):
        """Rows of tickets first..last-1 (0-based): {table: [row]} and the search documents."""
        rng, stamp, ws = self.rng, self.stamp, self.workspace_id
        count = last - first
        statuses = _weighted(rng, STATUS_WEIGHTS, count)
        priorities = _weighted(rng, PRIORITY_WEIGHTS, count)
        channels = _weighted(rng, CHANNEL_WEIGHTS, count)
        topics = rng.choices(text.TOPICS, weights=self.topic_weights, k=count)
        out = {"ticket": [], "message": [], "attachment": [], "ticket_event": [], "ticket_tag": []}
        docs = []
        for offset in range(count):
            i = first + offset
            ticket_id = self.ids["ticket"] + i
            status, topic, channel = statuses[offset], topics[offset], channels[offset]
            created = self.start + timedelta(seconds=int((i + rng.random()) * self.step))
            # Customers follow a skewed distribution: a few write often, most once or twice.
            customer_id, customer_name, customer_email = self.customer(int(self.customers * rng.random() ** 2))
            customer_first = customer_name.split()[0]
            unassigned = rng.random() < (UNASSIGNED_OPEN_SHARE if status == Status.OPEN else 0.03)
            agent_id, agent_first = (None, None) if unassigned else rng.choices(self.agents, self.agent_weights)[0]
            replier = (agent_id, agent_first) if agent_id else rng.choice(self.agents)

            n_messages = rng.randint(3, 6)
            kinds = [Message.CUSTOMER] + [Message.REPLY if j % 2 else Message.CUSTOMER for j in range(1, n_messages)]
            if n_messages > 3 and rng.random() < 0.3:
                kinds[rng.randint(1, n_messages - 2)] = Message.NOTE
            if status == Status.OPEN:
                kinds[-1] = Message.CUSTOMER
            elif status in (Status.PENDING, Status.SOLVED):
                kinds[-1] = Message.REPLY
            delays = [rng.expovariate(1 / 14400) + 60 for _ in range(n_messages - 1)]
            room = (self.now - created).total_seconds() * 0.9
            if sum(delays) > room:
                delays = [d * room / sum(delays) for d in delays]
            times, moment = [created], created
            for delay in delays:
                moment += timedelta(seconds=int(delay))
                times.append(moment)

            subject = self._fill(rng.choice(topic[1]))
            first_response = last_customer = preview = None
            counted = 0
            doc = []
            for j, (kind, when) in enumerate(zip(kinds, times)):
                message_id = self.ids["message"]
                self.ids["message"] += 1
                email_id = None
                if kind == Message.CUSTOMER:
                    body = self._customer_body(topic, customer_first, j == 0)
                    author, customer = None, customer_id
                    last_customer = when
                    if channel == Channel.EMAIL:
                        email_id = f"<{ticket_id}.{j}.{rng.getrandbits(40):x}@{customer_email.split('@')[1]}>"
                    if rng.random() < ATTACHMENT_SHARE:
                        self._attachment(out, message_id, when)
                    delivery = None
                elif kind == Message.REPLY:
                    body = self._agent_body(topic, customer_first, replier[1])
                    author, customer, delivery = replier[0], None, Message.SENT
                    email_id = f"<{message_id}.{rng.getrandbits(40):x}@helpdesk.bench>"
                    first_response = first_response or when
                else:
                    body = rng.choice(text.NOTES)
                    author, customer, delivery = replier[0], None, None
                if kind != Message.NOTE:  # as the services count and preview: notes are internal
                    counted += 1
                    preview = body
                out["message"].append((message_id, stamp(when), ws, ticket_id, kind, author, customer, body,
                                       email_id, delivery))
                # The document as open_ticket() starts it, then each later message appended.
                doc.extend((subject, body, customer_name, customer_email) if j == 0 else (body,))
            docs.append((ticket_id, document_words(" ".join(doc))))
            preview = preview_of(preview)

            solved_at = None
            updated = times[-1]
            events = [(created, None, "created", {"channel": channel})]
            if agent_id:
                events.append((created + timedelta(seconds=30), replier[0], "assigned",
                               {"before": None, "after": agent_id, "name": self._agent_name(agent_id)}))
            if status != Status.OPEN:
                solved_at = times[-1] + timedelta(minutes=5)
                updated = solved_at
                after = Status.SOLVED if status == Status.CLOSED else status
                events.append((solved_at, replier[0], "status", {"before": Status.OPEN, "after": after}))
                if status == Status.CLOSED:
                    solved_at = updated = min(solved_at + timedelta(days=3), self.now)
                    events.append((solved_at, None, "status", {"before": Status.SOLVED, "after": Status.CLOSED}))
                if status == Status.PENDING:
                    solved_at = None
            for when, actor, kind, data in events:
                out["ticket_event"].append((self.ids["event"], stamp(when), ws, ticket_id, actor, kind,
                                            json.dumps(data)))
                self.ids["event"] += 1
            names = set()
            if rng.random() < TAGGED_SHARE:
                names.add(topic[0])
                for _ in range(rng.choices((0, 1, 2), (70, 22, 8))[0]):
                    names.add(rng.choice(self.extra_tags))
            if i < self.n * OLD_TAG_SPAN and rng.random() < 0.3:
                names.add(OLD_TAG)  # tags come and go: this one is only on the oldest tickets
            for name in sorted(names):
                out["ticket_tag"].append((self.ids["ticket_tag"], stamp(created), ws, ticket_id, self.tag_ids[name]))
                self.ids["ticket_tag"] += 1
            out["ticket"].append((ticket_id, stamp(created), ws, i + 1, subject, status, priorities[offset],
                                  channel, customer_id, agent_id, stamp(updated), stamp(last_customer),
                                  stamp(first_response), stamp(solved_at), counted, preview))
        return out, docs

    def _agent_name(self, agent_id):
        return self.agent_names[agent_id]

    def _attachment(self, out, message_id, when):
        rng = self.rng
        kind = rng.random()
        name, content_type = (("screenshot.png", "image/png") if kind < 0.6 else
                              ("invoice.pdf", "application/pdf") if kind < 0.85 else ("log.txt", "text/plain"))
        out["attachment"].append((self.ids["attachment"], self.stamp(when), self.workspace_id, message_id, name,
                                  content_type, rng.randint(2_000, 2_000_000),
                                  f"bench/{self.workspace_id}/{self.ids['attachment']}"))
        self.ids["attachment"] += 1


COLUMNS = {  # field names, in the order the generator writes them
    "ticket": (Ticket, ["id", "created_at", "workspace", "number", "subject", "status", "priority", "channel",
                        "customer", "assignee", "updated_at", "last_customer_activity_at", "first_response_at",
                        "solved_at", "message_count", "preview"]),
    "message": (Message, ["id", "created_at", "workspace", "ticket", "kind", "author", "customer", "body_text",
                          "email_message_id", "delivery_status"]),
    "attachment": (Attachment, ["id", "created_at", "workspace", "message", "filename", "content_type", "size",
                                "storage_key"]),
    "ticket_event": (TicketEvent, ["id", "created_at", "workspace", "ticket", "actor", "kind", "data"]),
    "ticket_tag": (TicketTag, ["id", "created_at", "workspace", "ticket", "tag"]),
    "customer": (Customer, ["id", "created_at", "workspace", "email", "name", "updated_at"]),
}


def _people(slug, now):
    """The agents (users and memberships) and the workspace itself."""
    workspace = Workspace.create(name="Bench (seeding…)", slug=slug, status=Workspace.ACTIVE, created_at=now,
                                 paid_until=now + timedelta(days=3650))
    password_hash = hash_password(AGENT_PASSWORD)
    agents = []
    for k, name in enumerate(text.AGENT_NAMES):
        first = name.split()[0]
        user = User.create(email=f"{first.lower()}{k + 1}@{slug}.bench.example", name=name,
                           password_hash=password_hash, email_verified_at=now, terms_version="bench",
                           terms_accepted_at=now, adult_confirmed_at=now, created_at=now - timedelta(days=DAYS))
        role = Role.OWNER if k == 0 else Role.ADMIN if k in (2, 3) else Role.AGENT
        Membership.create(workspace=workspace, user=user, role=role, created_at=now - timedelta(days=DAYS))
        agents.append(user)
    for title, body in text.CANNED:
        CannedReply.create(workspace=workspace, title=title, body=body, created_at=now)
    names = sorted({t[0] for t in text.TOPICS} | set(text.EXTRA_TAGS) | {OLD_TAG})
    Tag.insert_many([{"workspace": workspace.id, "name": n, "created_at": now} for n in names]).execute()
    return workspace, agents


def seed_workspace(n_tickets, *, slug="bench", now=None, random_seed=1, chunk=CHUNK, progress=None,
                   rebuild_indexes=None):
    """Create workspace `slug` with `n_tickets` tickets and everything around them; returns a SeedResult.

    `rebuild_indexes` (default: when the ticket tables are empty and n_tickets >= 20,000)
    drops the secondary indexes during the load and builds them again at the end.
    """
    progress = progress or (lambda line: None)
    now = (now or utcnow()).replace(microsecond=0)
    started = time.perf_counter()
    database = db.database
    postgres = is_postgres()
    writer_class = _PostgresWriter if postgres else _SqliteWriter
    rng = random.Random(random_seed)

    with database.atomic():
        workspace, agents = _people(slug, now)
    tag_ids = dict(Tag.of(workspace, Tag.name, Tag.id).tuples())
    first_ids = {"customer": _next_id(Customer), "ticket": _next_id(Ticket), "message": _next_id(Message),
                 "event": _next_id(TicketEvent), "ticket_tag": _next_id(TicketTag),
                 "attachment": _next_id(Attachment)}
    if rebuild_indexes is None:
        rebuild_indexes = n_tickets >= 20_000 and not Ticket.select().exists() and not Message.select().exists()
    tables = [m._meta.table_name for m in BULK_MODELS] + (["ticket_search"] if postgres else [])
    indexes = _secondary_indexes(tables) if rebuild_indexes else []
    foreign_keys = _foreign_keys(tables) if rebuild_indexes else []

    pragmas = {}
    if not postgres:  # durability is not needed while seeding: a crash means seeding again
        pragmas = {name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
                   for name in ("synchronous", "cache_size")}
        database.execute_sql("PRAGMA synchronous = OFF")
        database.execute_sql("PRAGMA cache_size = -1000000")
    else:
        database.execute_sql("SET synchronous_commit = off")
        database.execute_sql("SET maintenance_work_mem = '1GB'")

    writer = writer_class(database)
    layouts = {table: _columns(model, names) for table, (model, names) in COLUMNS.items()}

    def write(table, rows):
        columns, tail = layouts[table]
        writer.insert(table, columns, [row + tail for row in rows] if tail else rows)

    generator = _Generator(rng, workspace_id=workspace.id, n_tickets=n_tickets, now=now,
                           agents=[(a.id, a.name.split()[0]) for a in agents],
                           customers=max(1, n_tickets // 3), tag_ids=tag_ids, first_ids=first_ids,
                           stamp=writer.stamp)
    generator.agent_names = {a.id: a.name for a in agents}
    rows = {name: 0 for name in COLUMNS}
    spent = {}  # seconds writing each table
    def write_chunk(out, docs):
        with database.atomic():
            for table in ("ticket", "message", "attachment", "ticket_event", "ticket_tag"):
                moment = time.perf_counter()
                write(table, out[table])
                rows[table] += len(out[table])
                spent[table] = spent.get(table, 0) + time.perf_counter() - moment
            moment = time.perf_counter()
            writer.search(workspace.id, docs)
            spent["ticket_search"] = spent.get("ticket_search", 0) + time.perf_counter() - moment

    try:
        with database.atomic():
            _drop_foreign_keys(foreign_keys)
            _drop_indexes(indexes)
        customer_created = writer.stamp(now - timedelta(days=DAYS + 1))
        for first in range(0, generator.customers, chunk * 4):
            batch = [(cid, customer_created, workspace.id, email, name, customer_created)
                     for cid, name, email in map(generator.customer,
                                                 range(first, min(first + chunk * 4, generator.customers)))]
            with database.atomic():
                write("customer", batch)
            rows["customer"] += len(batch)
        starts = range(0, n_tickets, chunk)
        with ThreadPoolExecutor(1) as pool:  # the next chunk is generated while this one is written
            pending = pool.submit(generator.chunk, 0, min(chunk, n_tickets))
            for first in starts:
                last = min(first + chunk, n_tickets)
                out, docs = pending.result()
                if last < n_tickets:
                    pending = pool.submit(generator.chunk, last, min(last + chunk, n_tickets))
                write_chunk(out, docs)
                progress(f"  tickets {last:,}/{n_tickets:,}  ({time.perf_counter() - started:.0f}s)")
        progress("  writing: " + ", ".join(f"{table} {seconds:.1f}s" for table, seconds in spent.items()))
    finally:
        _create_indexes(indexes, progress)
        _add_foreign_keys(foreign_keys, progress)
    if postgres:
        for model in BULK_MODELS:
            table = model._meta.table_name
            database.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT MAX(id) FROM \"{table}\"))")
        database.execute_sql("RESET synchronous_commit")
        database.execute_sql("RESET maintenance_work_mem")
        # What autovacuum would have done by now: statistics, and a visibility map for index-only scans.
        progress("  vacuum analyze")
        database.execute_sql("VACUUM ANALYZE")
    else:
        progress("  merging the full-text index")
        database.execute_sql("INSERT INTO ticket_search (ticket_search) VALUES ('optimize')")
        for name, value in pragmas.items():
            database.execute_sql(f"PRAGMA {name} = {value}")
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    rows["ticket_search"] = n_tickets
    Workspace.update(name=workspace_name(n_tickets)).where(Workspace.id == workspace.id).execute()
    return SeedResult(workspace, agents, n_tickets, time.perf_counter() - started, rows)


@bench_cli.command("seed")
@click.option("--tickets", type=click.IntRange(min=1), required=True, help="How many tickets to create.")
@click.option("--workspace-slug", default="bench", show_default=True, help="Slug of the new workspace.")
@click.option("--random-seed", default=1, show_default=True, help="Same seed, same data.")
def seed_command(tickets, workspace_slug, random_seed):
    """Create a workspace with TICKETS realistic tickets (customers, messages, tags, agents)."""
    if current_app.config["HELPDESK_ENV"] == "production":
        raise click.ClickException("bench seed refuses to run with HELPDESK_ENV=production.")
    with db.database.connection_context():
        if Workspace.select().where(Workspace.slug == workspace_slug).exists():
            raise click.ClickException(f"A workspace with the slug {workspace_slug!r} exists already; "
                                       "pick another --workspace-slug or use a fresh database.")
        result = seed_workspace(tickets, slug=workspace_slug, random_seed=random_seed, progress=click.echo)
    click.echo(f"Seeded workspace {workspace_slug!r}: {tickets:,} tickets in {result.seconds:.1f}s "
               f"({', '.join(f'{n:,} {t}' for t, n in result.rows.items())}).")
    click.echo(f"Sign in as {result.agents[0].email} (owner) with the password {AGENT_PASSWORD!r}.")
