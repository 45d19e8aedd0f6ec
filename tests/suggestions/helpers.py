"""Rows of the suggestions board for tests."""
from helpdesk.suggestions.models import (Suggestion, SuggestionBoard, SuggestionComment, SuggestionOptOut,
                                         SuggestionReport, SuggestionSubscription, SuggestionTag, SuggestionVote,
                                         TicketSuggestion)


def fill_suggestions(workspace, end_user, ticket, agent, now):
    """One row in every table of the board (the R21 deletion test's fill_workspace)."""
    SuggestionBoard.create(workspace=workspace)
    tag = SuggestionTag.create(workspace=workspace, name="Reports")
    suggestion = Suggestion.create(workspace=workspace, author=end_user, title="Dark mode", tag=tag, vote_count=1,
                                   comment_count=1, created_at=now, status_changed_at=now, updated_at=now)
    SuggestionVote.create(workspace=workspace, suggestion=suggestion, email=end_user.email, end_user=end_user)
    comment = SuggestionComment.create(workspace=workspace, suggestion=suggestion, author=end_user, body="Yes",
                                       body_html="<p>Yes</p>")
    SuggestionReport.create(workspace=workspace, suggestion=suggestion, comment=comment, reporter=end_user)
    SuggestionSubscription.create(workspace=workspace, suggestion=suggestion, email=end_user.email, end_user=end_user)
    SuggestionOptOut.create(workspace=workspace, email="gone@user.example")
    TicketSuggestion.create(workspace=workspace, ticket=ticket, suggestion=suggestion, linked_by=agent)
    return suggestion
