"""Inbox filters: the fields a saved view keeps and the search box narrows by.

`Filters` is read from a query string (or a saved view's JSON) and narrows a SELECT of
`Ticket`: a WHERE on the ticket's columns, and a tag as a join on the (ticket, tag) unique
index, so a page walks its status index and checks each row's tag by one index lookup.
"""
import json
from dataclasses import asdict, dataclass, fields

from peewee import fn

from helpdesk.tickets.models import Channel, Priority, Status, Tag, Ticket, TicketTag

FIELDS = ("status", "assignee", "priority", "tag", "channel", "mailbox", "customer")
ME, NOBODY = "me", "none"  # assignee values besides a member's id
INTEGER_FIELDS = ("assignee", "mailbox")  # ids, compared as integers


@dataclass(frozen=True)
class Filters:
    status: str = ""
    assignee: str = ""  # "me", "none" or a member's id
    priority: str = ""
    tag: str = ""
    channel: str = ""
    mailbox: str = ""  # a mailbox id
    customer: str = ""  # a customer's email address

    @classmethod
    def from_mapping(cls, values):
        """The known, valid fields of a query string or a stored view; anything else is dropped."""
        def value(name):
            return str(values.get(name) or "").strip()[:254]

        found = {name: value(name) for name in FIELDS}
        if found["status"] not in Status.ALL:
            found["status"] = ""
        if found["priority"] not in Priority.ALL:
            found["priority"] = ""
        if found["channel"] not in Channel.LABELS:
            found["channel"] = ""
        if found["assignee"] not in (ME, NOBODY) and not found["assignee"].isdigit():
            found["assignee"] = ""
        if not found["mailbox"].isdigit():
            found["mailbox"] = ""
        found["customer"] = found["customer"].lower()
        found["tag"] = found["tag"].lower()
        return cls(**found)

    @classmethod
    def from_json(cls, text):
        return cls.from_mapping(json.loads(text or "{}"))

    def to_json(self):
        return json.dumps({name: value for name, value in asdict(self).items() if value}, sort_keys=True)

    def __bool__(self):
        return any(getattr(self, f.name) for f in fields(self))

    def shape(self):
        """The fields set, as (name, kind): what the text of the WHERE clause depends on. The kind is the
        assignee's "me" or "none" (no value compared), else empty."""
        return tuple((name, self.assignee if name == "assignee" and self.assignee in (ME, NOBODY) else "")
                     for name in FIELDS if getattr(self, name))

    def values(self):
        """What the WHERE clause compares, in `shape` order, as the columns hold it (ids as integers)."""
        return tuple(int(getattr(self, name)) if name in INTEGER_FIELDS else getattr(self, name)
                     for name, kind in self.shape() if not kind)

    @classmethod
    def like(cls, shape, values):
        """Filters of `shape` comparing `values` (a prepared SELECT's placeholders, core/selects.py)."""
        values = iter(values)
        return cls(**{name: kind or str(next(values)) for name, kind in shape})

    def as_args(self):
        """The set fields, for links that keep the filter."""
        return {name: value for name, value in asdict(self).items() if value}

    def narrow(self, query, workspace, user_id, *, probe_tag=False):
        """`query`, a SELECT of `Ticket`, cut to these filters (as it is when no field is set).

        The tag is a join on the (ticket, tag) unique index: one row at most per ticket, as an EXISTS, and
        15% less work per ticket read on SQLite (a saved view's count reads thousands at 1M tickets). With
        `probe_tag` it is an EXISTS that PostgreSQL must run per ticket (an OFFSET keeps it from becoming a
        join): for a count that stops at its cap, as PostgreSQL otherwise hashed every candidate ticket
        (52,660 open unassigned ones, 8-12 ms, against 2.6 ms to probe the 3,700 it needed at 1M tickets)."""
        from helpdesk.customers.models import Customer

        parts = []
        if self.status:
            parts.append(Ticket.status == self.status)
        if self.assignee == ME:
            parts.append(Ticket.assignee == user_id)
        elif self.assignee == NOBODY:
            parts.append(Ticket.assignee.is_null())
        elif self.assignee:
            parts.append(Ticket.assignee == int(self.assignee))
        if self.priority:
            parts.append(Ticket.priority == self.priority)
        if self.channel:
            parts.append(Ticket.channel == self.channel)
        if self.mailbox:
            parts.append(Ticket.mailbox_id == int(self.mailbox))
        if self.customer:
            parts.append(Ticket.customer.in_(Customer.select(Customer.id).where(
                Customer.workspace == workspace, Customer.email == self.customer)))
        if parts:
            query = query.where(*parts)
        if self.tag:
            tag_id = Tag.select(Tag.id).where(Tag.workspace == workspace, Tag.name == self.tag)
            if probe_tag:
                query = query.where(fn.EXISTS(TicketTag.select(TicketTag.id).where(
                    TicketTag.ticket == Ticket.id, TicketTag.tag == tag_id).offset(0)))
            else:
                query = query.join_from(Ticket, TicketTag,
                                        on=(TicketTag.ticket == Ticket.id) & (TicketTag.tag == tag_id))
        return query
