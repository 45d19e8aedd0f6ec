"""The inbox: views, sorts, keyset pages, bounded counts, search.

Each view is an equality on indexed columns, each sort follows an index, and a
page is fetched with "after this row" (keyset) rather than OFFSET, so page 1
and page 10,000 cost the same. Counts stop at `COUNT_CAP` ("1000+"), a saved view's at `SAVED_COUNT_CAP` ("100+").
"""
import operator
import re
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from peewee import JOIN, SQL, Tuple, fn

from helpdesk.accounts.models import User
from helpdesk.core.kept import kept
from helpdesk.core.selects import PreparedSelect
from helpdesk.customers.models import Customer
from helpdesk.extensions import db, is_postgres
from helpdesk.tickets import search
from helpdesk.tickets.filters import ME, Filters
from helpdesk.tickets.models import Status, Tag, Ticket, TicketTag
from helpdesk.tickets.services import tags_of

PAGE_SIZE = 25
COUNT_CAP = 1000
# A saved view's filters can be rare among the tickets its index reads (open, unassigned, tagged "refund"):
# counting to 1000 of them scanned tens of thousands of tickets per page view at 1M. They count to 100.
SAVED_COUNT_CAP = 100
VIEWS = {
    "unassigned": "Unassigned",
    "mine": "Mine",
    "open": "All open",
    "pending": "Pending",
    "solved": "Solved",
    "closed": "Closed",
    "snoozed": "Snoozed",
    "all": "All",
}
SORTS = {"newest": "Newest", "oldest": "Oldest", "activity": "Last customer activity"}
Assignee = User.alias("assignee")


@dataclass
class Page:
    tickets: list
    next_cursor: str | None
    tags: dict


def _not_snoozed():
    """`snoozed_until IS NULL` in a form no index serves, for filtered reads and counts.

    Nearly every ticket is not snoozed, yet SQLite's statistics count each NULL as its own value, so with
    a saved view's filters the planner read the whole workspace along (workspace, snoozed_until) instead
    of the status index: 600 ms for one count at 1M tickets (bench/README.md); this way 10-40 ms. Counts
    test `snoozed_until IS NULL` as it is: it matches the partial index of awake tickets, which serves them."""
    return fn.COALESCE(Ticket.snoozed_until, Ticket.snoozed_until).is_null()


def _view_filter(workspace, user_id, view):
    """The WHERE clause of a named view (None for an unknown view)."""
    in_workspace = Ticket.workspace == workspace
    awake = in_workspace & Ticket.snoozed_until.is_null()  # a snoozed ticket shows in Snoozed and All only
    return {
        "unassigned": awake & (Ticket.status == Status.OPEN) & Ticket.assignee.is_null(),
        "mine": awake & (Ticket.status == Status.OPEN) & (Ticket.assignee == user_id),
        "open": awake & (Ticket.status == Status.OPEN),
        "pending": awake & (Ticket.status == Status.PENDING),
        "solved": in_workspace & (Ticket.status == Status.SOLVED),
        "closed": in_workspace & (Ticket.status == Status.CLOSED),
        "snoozed": in_workspace & Ticket.snoozed_until.is_null(False),  # read on (workspace, snoozed_until)
        "all": in_workspace,  # counted and polled as is; its pages are read status by status (_all_select)
    }.get(view)


# What a list row shows and its cursor needs: each column more is SQL to build and a value to convert.
LISTED = (Ticket.id, Ticket.number, Ticket.subject, Ticket.status, Ticket.priority, Ticket.preview, Ticket.customer,
          Ticket.assignee, Ticket.updated_at, Ticket.last_customer_activity_at, Ticket.snoozed_until, Ticket.woke_at)


def _listing():
    """Tickets with their customer and assignee names, in one query."""
    return (Ticket.select(*LISTED, Customer.id, Customer.name, Customer.email, Assignee.id, Assignee.name)
            .join(Customer, on=(Ticket.customer == Customer.id))
            .switch(Ticket).join(Assignee, JOIN.LEFT_OUTER, on=(Ticket.assignee == Assignee.id), attr="assignee"))


def encode_cursor(ticket, sort):
    if sort == "activity":
        return f"{ticket.last_customer_activity_at.isoformat()}|{ticket.id}"
    return str(ticket.id)


def _cursor_values(sort, cursor):
    """What a cursor holds: (stamp, id) in activity order, (id,) else; () for none or a mangled one."""
    if not cursor:
        return ()
    try:
        if sort == "activity":
            stamp, _, ticket_id = cursor.partition("|")
            values = (datetime.fromisoformat(stamp), int(ticket_id))
        else:
            values = (int(cursor),)
    except ValueError:
        return ()  # a mangled cursor shows the first page
    return values if abs(values[-1]) < 2 ** 63 else ()  # beyond the databases' integers: mangled too


def _after(query, sort, cursor, id_column=Ticket.id):
    """Rows strictly after `cursor` in `sort` order."""
    return _after_values(query, sort, _cursor_values(sort, cursor), id_column)


def _after_values(query, sort, values, id_column=Ticket.id):
    if not values:
        return query
    if sort == "activity":
        # A row comparison, not "a < x OR (a = x AND b < y)": both databases turn it into one index range.
        return query.where(Tuple(Ticket.last_customer_activity_at, Ticket.id) < Tuple(*values))
    (ticket_id,) = values
    return query.where(id_column > ticket_id if sort == "oldest" else id_column < ticket_id)


def _ordered(query, sort, id_column=Ticket.id):
    if sort == "oldest":
        return query.order_by(id_column)
    if sort == "activity":
        return query.order_by(Ticket.last_customer_activity_at.desc(), Ticket.id.desc())
    return query.order_by(id_column.desc())


def _page(rows, sort):
    rows = list(rows)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(rows, encode_cursor(rows[-1], sort) if more else None, tags_of([t.id for t in rows]))


def _tag_id(workspace, tag):
    """The tag's id as a scalar subquery (part of the page's one query)."""
    return Tag.select(Tag.id).where(Tag.workspace == workspace, Tag.name == tag)


def inbox_page(workspace, user_id, *, view="open", sort="newest", cursor=None, tag=None, filters=None):
    """One page of a view (or of a tag's tickets, any status), narrowed by `filters` (a saved view's)."""
    sort = sort if sort in SORTS else "newest"
    if filters:
        return _filtered_page(workspace, user_id, view, filters, sort, cursor)
    if tag and sort != "activity":
        return _tag_page(workspace, tag, sort, cursor)
    if view == "all" and not tag:
        return _page(_all_select(workspace, sort, _cursor_values(sort, cursor)), sort)
    if not tag:
        return _view_page(workspace, user_id, view, sort, cursor)
    query = (_listing().join_from(Ticket, TicketTag, on=(TicketTag.ticket == Ticket.id))
             .where(TicketTag.tag == _tag_id(workspace, tag), Ticket.workspace == workspace))
    return _page(_ordered(_after(query, sort, cursor), sort).limit(PAGE_SIZE + 1), sort)


_view_pages = {}  # (view, sort, cursor values): the SELECT of that page of a named view, built once (core/selects.py)


def _view_page(workspace, user_id, view, sort, cursor):
    """A page of a named view: the inbox's most frequent SELECT, whose text cost more CPU than running it."""
    if view not in VIEWS or view == "all":
        raise LookupError(view)
    after = _cursor_values(sort, cursor)
    by_user = view == "mine"  # the one view of the agent's own tickets
    key = (view, sort, len(after))
    if key not in _view_pages:
        def build(workspace_id, *values):
            user = values[0] if by_user else None
            query = _listing().where(_view_filter(workspace_id, user, view))
            return _ordered(_after_values(query, sort, values[by_user:]), sort).limit(PAGE_SIZE + 1)

        _view_pages[key] = PreparedSelect(build, 1 + by_user + len(after))
    values = (workspace.id, user_id) if by_user else (workspace.id,)
    return _page(_view_pages[key].rows(*values, *after), sort)


def _tag_page(workspace, tag, sort, cursor):
    """A tag's tickets by id: the page's ids come first from the (tag, ticket) index (a LIMIT in a
    subquery), so a tag found only on old tickets never makes the database walk every newer ticket."""
    tagged = TicketTag.select(TicketTag.ticket).where(TicketTag.tag == _tag_id(workspace, tag))
    if cursor:
        tagged = _after(tagged, sort, cursor, TicketTag.ticket)
    tagged = _ordered(tagged, sort, TicketTag.ticket).limit(PAGE_SIZE + 1).alias("tagged")
    query = _listing().join_from(Ticket, tagged, on=(tagged.c.ticket_id == Ticket.id)).where(
        Ticket.workspace == workspace)
    return _page(_ordered(query, sort), sort)


_filtered_pages = {}  # (view, sort, cursor length, the filters' shape): that page's SELECT, built once


def _narrowed_rows(selects, key, select, workspace, user_id, filters, rest, *, of_agent=False):
    """The rows of `select(workspace_id, user_id, filters, rest)`, its SELECT prepared once per `key`.

    The key holds the filters' `shape` and whatever else the SELECT's text depends on; the workspace, the
    agent (when the filters say "me", or `of_agent`: the view is the agent's own), the filters' values and
    `rest` are its values."""
    compared = filters.values()
    by_user = of_agent or filters.assignee == ME
    if key not in selects:
        shape = filters.shape()

        def build(workspace_id, *values):
            user, values = (values[0], values[1:]) if by_user else (None, values)
            return select(workspace_id, user, Filters.like(shape, values[:len(compared)]), values[len(compared):])

        selects[key] = PreparedSelect(build, 1 + by_user + len(compared) + len(rest))
    first = (workspace.id, user_id) if by_user else (workspace.id,)
    return selects[key].rows(*first, *compared, *rest)


def _filtered_page(workspace, user_id, view, filters, sort, cursor):
    """A view narrowed by filters (a saved view's, or the filter form's).

    The SELECT's text depends only on the view, the sort, the cursor's kind and which filters are set (their
    `shape`): it is built once for each, as the named views' pages are (a saved view's page spent a quarter
    of its CPU in peewee building it)."""
    if view not in VIEWS:
        raise LookupError(view)
    after = _cursor_values(sort, cursor)

    def select(workspace_id, user, narrowed, after_values):
        return _filtered_select(workspace_id, user, view, narrowed, sort, after_values)

    key = (view, sort, len(after), filters.shape())
    return _page(_narrowed_rows(_filtered_pages, key, select, workspace, user_id, filters, after,
                                of_agent=view == "mine"), sort)


def _filtered_select(workspace, user_id, view, filters, sort, after):
    """Without a status of their own (or the view's), the filtered tickets are read status by status."""
    condition = _view_filter(workspace, user_id, view)
    if view == "all":  # a saved view: snoozed tickets wait in Snoozed
        # With a status and an assignee the partial index of awake tickets (workspace, status, assignee, id)
        # gives the page in id order (0.8 ms against 1.2 at 1M tickets); else the disguised test is faster.
        by_awake_index = filters.status and filters.assignee and sort != "activity"
        condition &= Ticket.snoozed_until.is_null() if by_awake_index else _not_snoozed()

        def narrow(part):
            return filters.narrow(part.where(condition), workspace, user_id)

        return _all_select(workspace, sort, after, narrow, (filters.status,) if filters.status else Status.ALL)
    query = _after_values(filters.narrow(_listing().where(condition), workspace, user_id), sort, after)
    return _ordered(query, sort).limit(PAGE_SIZE + 1)


def _all_select(workspace, sort, after, narrow=None, statuses=Status.ALL):
    """Every ticket (or those `narrow(query)` keeps): one keyset page per status, each read along its
    (workspace, status, ...) index, merged.

    No index orders a whole workspace by activity, and one on (workspace, id) alone would cost every
    ticket write; four short index reads (LIMIT subqueries) give the same page.
    """
    per_status = []
    for status in statuses:
        part = Ticket.select(Ticket.id).where(Ticket.workspace == workspace, Ticket.status == status)
        if narrow is not None:
            part = narrow(part)
        part = _ordered(_after_values(part, sort, after), sort).limit(PAGE_SIZE + 1)
        per_status.append(Ticket.select(SQL("*")).from_(part.alias(f"status_{status}")))
    merged = reduce(operator.add, per_status).alias("merged")  # UNION ALL
    query = _listing().join_from(Ticket, merged, on=(merged.c.id == Ticket.id)).where(Ticket.workspace == workspace)
    return _ordered(query, sort).limit(PAGE_SIZE + 1)


TICKET_NUMBER = re.compile(r"\s*#?(\d{1,9})\s*")


def numbered_ticket(workspace, query_text):
    """The ticket whose number the search box holds ("#12" or "12"), or None."""
    match = TICKET_NUMBER.fullmatch(query_text)
    if match is None:
        return None
    return _listing().where(Ticket.workspace == workspace, Ticket.number == int(match.group(1))).first()


EMAIL_ADDRESS = re.compile(r"\s*([^@\s]+@[^@\s]+\.[^@\s]+)\s*")
FILTERED_SEARCH_FACTOR = 8  # with filters, ask the search index for more ids: some are filtered out


def search_page(workspace, query_text, *, cursor=None, numbered=None, filters=None, user_id=None):
    """Tickets matching the search box, newest first; the `numbered_ticket` comes first, on the first page.

    An email address finds that customer's tickets exactly (not every address sharing its words).
    """
    before = int(cursor) if cursor and cursor.isdigit() else None
    email = EMAIL_ADDRESS.fullmatch(query_text)
    if email:
        customers = Customer.select(Customer.id).where(Customer.workspace == workspace,
                                                       Customer.email == email.group(1).lower())
        query = (filters or Filters()).narrow(
            _listing().where(Ticket.workspace == workspace, Ticket.customer.in_(customers)), workspace, user_id)
        rows = list((query.where(Ticket.id < before) if before else query).order_by(Ticket.id.desc())
                    .limit(PAGE_SIZE + 1))
        return _page(rows, "newest") if rows else Page([], None, {})
    limit = (PAGE_SIZE + 2) * (FILTERED_SEARCH_FACTOR if filters else 1)
    ids = search.search_ticket_ids(workspace.id, query_text, before_id=before, limit=limit)
    ids = [i for i in ids if numbered is None or i != numbered.id]  # listed once
    rows = _tickets_among(workspace, user_id, filters or Filters(), ids, limit) if ids else []
    if numbered is not None and not cursor:
        rows.insert(0, numbered)
    return _page(rows, "newest") if rows else Page([], None, {})


_found_pages = {}  # (the filters' shape, how many ids): the SELECT of a search page's tickets, built once


def _tickets_among(workspace, user_id, filters, ids, size):
    """The newest page of the tickets of `ids` (at most `size` of them) that match `filters`.

    The id list is filled up to `size` with its last id (the same rows), so that the SELECT's text depends
    only on which filters are set and is built once (core/selects.py), like the inbox's own pages."""
    def select(workspace_id, user, narrowed, among):
        query = _listing().where(Ticket.workspace == workspace_id, Ticket.id.in_(list(among)))
        return narrowed.narrow(query, workspace_id, user).order_by(Ticket.id.desc()).limit(PAGE_SIZE + 1)

    filled = (*ids, *ids[-1:] * (size - len(ids)))
    return _narrowed_rows(_found_pages, (filters.shape(), size), select, workspace, user_id, filters, filled)


def view_counts(workspace, user_id, saved=()):
    """{view: count} for every view (capped at COUNT_CAP) and `saved` view ("saved-<id>", at SAVED_COUNT_CAP),
    in one query.

    A saved view counts its awake tickets (snoozed ones wait in Snoozed)."""
    views = tuple((int(view.id), view.filters) for view in saved)
    key = (getattr(db.database, "obj", db.database), workspace.id, user_id, views)
    statement = kept(_count_statements, key, COUNT_STATEMENTS_KEPT,
                     lambda: _count_statement(workspace, user_id, views))
    return {view: count for view, count in db.database.execute_sql(*statement)}


# Building the count's SQL with peewee cost as much CPU as SQLite counting: the text and its values depend
# only on the key of `view_counts`, so each worker builds it once per agent and set of views.
COUNT_STATEMENTS_KEPT = 1000
_count_statements = {}


def _count_statement(workspace, user_id, views):
    counted = {view: Ticket.select(SQL("1")).where(_view_filter(workspace, user_id, view)).limit(COUNT_CAP)
               for view in VIEWS}
    for view_id, filters in views:
        awake = Ticket.select(SQL("1")).where(Ticket.workspace == workspace, Ticket.snoozed_until.is_null())
        narrowed = Filters.from_json(filters).narrow(awake, workspace, user_id, probe_tag=is_postgres())
        counted[f"saved-{view_id}"] = narrowed.limit(SAVED_COUNT_CAP)
    parts, params = [], []
    for number, (view, subquery) in enumerate(counted.items()):
        sql, sub_params = subquery.sql()
        parts.append(f"SELECT '{view}', COUNT(*) FROM ({sql}) AS v_{number}")
        params.extend(sub_params)
    return " UNION ALL ".join(parts), params


# Built once (core/selects.py), as every inbox page runs them.
MAX_TAGS_SHOWN = 50
_NEWEST = PreparedSelect(lambda workspace_id: (Ticket.of(workspace_id, Ticket.id).order_by(Ticket.number.desc())
                                               .limit(1)), 1)
_TAG_NAMES = PreparedSelect(lambda workspace_id: (Tag.of(workspace_id, Tag.name).order_by(Tag.name)
                                                  .limit(MAX_TAGS_SHOWN).tuples()), 1)


def newest_ticket_id(workspace):
    """The id of the workspace's latest ticket (numbers grow with ids; read from the (workspace, number) index)."""
    newest = _NEWEST.first(workspace)
    return newest.id if newest else 0


def new_ticket_count(workspace, user_id, newest_id, *, view="open", tag=None, cap=100):
    """Tickets created after `newest_id` that belong to the view (or carry the tag) an inbox shows, up to `cap`.

    The poll's banner: a new open ticket is not news in the Solved view.
    """
    if tag:
        query = (Ticket.select(SQL("1")).join(TicketTag, on=(TicketTag.ticket == Ticket.id))
                 .where(TicketTag.tag == _tag_id(workspace, tag), TicketTag.ticket > newest_id,
                        Ticket.workspace == workspace))
    else:
        condition = _view_filter(workspace, user_id, view)
        if condition is None:
            raise LookupError(view)
        query = Ticket.select(SQL("1")).where(condition, Ticket.id > newest_id)
    return query.limit(cap).count()


def workspace_tags(workspace):
    """Tag names of the workspace for the sidebar (the first MAX_TAGS_SHOWN)."""
    return [name for (name,) in _TAG_NAMES.rows(workspace)]
