"""Saved views: an agent's named filters, private or shared with the team (counted by `inbox.view_counts`)."""
from helpdesk.core.inserts import create_row
from helpdesk.core.selects import PreparedSelect
from helpdesk.tickets.filters import Filters
from helpdesk.tickets.models import SavedView
from helpdesk.tickets.services import TicketError

MAX_VIEWS_SHOWN = 30


# Built once (core/selects.py): every inbox page runs it.
_VISIBLE = PreparedSelect(lambda workspace_id, user_id: (
    SavedView.of(workspace_id).where((SavedView.owner == user_id) | (SavedView.shared == True))  # noqa: E712
    .order_by(SavedView.name, SavedView.id).limit(MAX_VIEWS_SHOWN)), 2)


def visible_views(workspace, user_id):
    """The views `user_id` may open in `workspace`: their own and the shared ones, by name."""
    return _VISIBLE.rows(workspace, user_id)


def get_view(workspace, user_id, view_id, visible=()):
    """The view if `user_id` may open it; LookupError otherwise (another workspace's, a colleague's private).

    `visible`: what `visible_views` gave, looked in first (no query when it is there)."""
    found = next((view for view in visible if view.id == view_id), None)
    if found is not None:
        return found
    view = (SavedView.of(workspace).where(SavedView.id == view_id,
                                          (SavedView.owner == user_id) | (SavedView.shared == True))  # noqa: E712
            .first())
    if view is None:
        raise LookupError(view_id)
    return view


def save_view(workspace, owner, name, filters, *, shared, now):
    """A new view of `filters` named `name`."""
    name = " ".join((name or "").split())[:80]
    if not name:
        raise TicketError("Give the view a name.")
    if not filters:
        raise TicketError("Choose at least one filter for the view.")
    return create_row(SavedView, workspace=workspace, owner=owner, name=name, shared=bool(shared),
                      filters=filters.to_json(), created_at=now)


def delete_view(workspace, user_id, view_id):
    """Delete one of the user's own views; LookupError for any other."""
    deleted = SavedView.delete().where(SavedView.workspace == workspace, SavedView.id == view_id,
                                       SavedView.owner == user_id).execute()
    if not deleted:
        raise LookupError(view_id)
