"""The inbox's ticket rows, written here instead of in Jinja: the list's one loop, on every inbox click.

In the template each row cost about 60 us (an escape, a Markup and an attribute lookup for each of its
twenty values): a page of 25 rows was a sixth of the inbox's CPU, the largest part of its distance from
the 2x target (bench/README.md). Here a row is one f-string, every value escaped with markupsafe as
autoescaping would; the markup is the template's (tests/tickets/test_rows.py reads it as a person would).
"""
from markupsafe import Markup, escape

from helpdesk.core import i18n
from helpdesk.core.i18n import gettext as _
from helpdesk.core.kept import kept
from helpdesk.core.timefmt import ago_filter
from helpdesk.tickets import bp
from helpdesk.tickets.models import Priority, Status

FLAGGED_PRIORITIES = ("high", "urgent")  # the priorities a row names beside its status


def _labels():
    """The texts every row repeats, escaped, kept per translation catalog."""
    return kept(_kept_labels, i18n.translations(), LABELS_KEPT, _escaped_labels)


_kept_labels = {}
LABELS_KEPT = 100  # one per language


def _escaped_labels():
    words = {"ticket": _("Ticket"), "customer": _("Customer"), "status": _("Status"), "assignee": _("Assignee"),
             "updated": _("Updated"), "select": _("Select ticket"), "woke": _("Back from snooze"),
             "snoozed": _("Snoozed")}
    words.update({f"status-{key}": _(label) for key, label in Status.LABELS.items()})
    words.update({f"priority-{key}": _(Priority.LABELS[key]) for key in FLAGGED_PRIORITIES})
    return {key: escape(text) for key, text in words.items()}


def _row(t, tags, label, tickets_root, now):
    number, ticket_id, priority = int(t.number), int(t.id), escape(t.priority)
    tag_spans = "".join([f'<span class="tag">#{escape(name)}</span>' for name in tags.get(t.id, ())])
    if t.back_from_snooze:
        badge = f'<span class="badge woke">{label["woke"]}</span>'
    elif t.snoozed_until:
        badge = f'<span class="badge snoozed">{label["snoozed"]}</span>'
    else:
        badge = ""
    flagged = (f' <span class="badge priority-{priority}">{label["priority-" + t.priority]}</span>'
               if t.priority in FLAGGED_PRIORITIES else "")
    customer, assignee = t.customer, t.assignee
    owner = escape(assignee.name) if assignee and assignee.id else "—"
    return (
        f'<tr class="priority-{priority}" data-ticket-row>'
        f'<td class="pick"><input type="checkbox" name="ticket_ids" value="{ticket_id}" id="select-{ticket_id}">'
        f'<label for="select-{ticket_id}" class="visually-hidden">{label["select"]} #{number}</label></td>\n'
        f'<td class="what" data-label="{label["ticket"]}">'
        f'<a class="subject" href="{escape(tickets_root)}{number}">#{number} {escape(t.subject)}</a>'
        f'\n{tag_spans}\n{badge}\n<span class="preview">{escape(t.preview)}</span></td>\n'
        f'<td class="who" data-label="{label["customer"]}">{escape(customer.name or customer.email)}</td>\n'
        f'<td class="state" data-label="{label["status"]}"><span class="badge status-{escape(t.status)}">'
        f'{label.get("status-" + t.status) or escape(t.status)}</span>{flagged}</td>\n'
        f'<td class="owner" data-label="{label["assignee"]}">{owner}</td>\n'
        f'<td class="when" data-label="{label["updated"]}">{ago_filter(t.updated_at, now)}</td></tr>\n')


@bp.app_template_global()
def ticket_rows(tickets, tags, tickets_root, now):
    """The `<tr>` of each ticket of a list page: `tags` by ticket id, `tickets_root` the URL a number follows."""
    label = _labels()
    return Markup("".join([_row(t, tags, label, tickets_root, now) for t in tickets]))
