"""The inbox's sidebar, filter fields and bulk fields, each rendered once per worker for what it shows
(core/fragments.py): they stay the same between clicks until a count, a view, a tag or an agent changes."""
from collections import namedtuple

from helpdesk.core.fragments import fragment
from helpdesk.tickets.forms import BulkForm, FilterForm
from helpdesk.tickets.inbox import COUNT_CAP, SAVED_COUNT_CAP, VIEWS

SavedLink = namedtuple("SavedLink", "id name shared")


def views_nav(*, inbox_url, canned_url, counts, saved_views, tags, view, query, tag, saved, filters):
    """The views with their counts, the saved views and the tags, the one shown marked as the current page."""
    plain_view = not (query or tag or saved or filters)
    values = dict(inbox_url=inbox_url, canned_url=canned_url, views=tuple(VIEWS.items()),
                  counts=tuple(counts.items()), tags=tuple(tags),
                  saved_views=tuple(SavedLink(int(v.id), v.name, bool(v.shared)) for v in saved_views),
                  current_view=view if plain_view else None, current_saved=int(saved.id) if saved else None,
                  current_tag=tag, count_cap=COUNT_CAP, saved_count_cap=SAVED_COUNT_CAP)
    return fragment("tickets/_views_nav.html", tuple(values.items()),
                    lambda: {**values, "counts": dict(values["counts"])})


def filter_fields(agents, mailboxes, filters):
    """The filter form's fields for these choices (agents as (id, name), mailboxes as (id, address)) and values."""
    agents, mailboxes = tuple(agents), tuple(mailboxes)
    return fragment("tickets/_filter_fields.html", (agents, mailboxes, filters),
                    lambda: {"form": FilterForm(agents, mailboxes, filters)})


def bulk_fields(agents):
    """The bulk toolbar's fields, the assignee's choices `agents` ((id, name), "Nobody" first)."""
    agents = tuple(agents)

    def context():
        form = BulkForm(formdata=None, meta={"csrf": False})  # the page writes the CSRF token itself
        form.assignee.choices = list(agents)
        return {"form": form}

    return fragment("tickets/_bulk_fields.html", agents, context)
