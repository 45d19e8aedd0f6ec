"""The board's tables: one vote per person per suggestion, the status state machine, tenant scoping."""
import pytest
from peewee import IntegrityError

from helpdesk.extensions import db
from helpdesk.helpcenter.models import EndUser
from helpdesk.suggestions.models import Suggestion, SuggestionStatus, SuggestionVote
from tests.factories import make_workspace


def test_a_person_votes_once_per_suggestion_and_the_board_is_per_workspace(app_context):
    acme, other = make_workspace(name="Acme"), make_workspace(name="Other")
    ann = EndUser.create(workspace=acme, email="ann@client.example")
    idea = Suggestion.create(workspace=acme, author=ann, title="Dark mode")
    SuggestionVote.create(workspace=acme, suggestion=idea, email=ann.email, end_user=ann)
    with pytest.raises(IntegrityError), db.database.atomic():
        SuggestionVote.create(workspace=acme, suggestion=idea, email=ann.email)
    assert list(Suggestion.of(acme)) == [idea] and not Suggestion.of(other).exists()
    assert (idea.status, idea.vote_count, idea.merged_into) == (SuggestionStatus.OPEN, 0, None)


def test_the_status_machine_allows_only_its_moves():
    assert SuggestionStatus.may_move("open", "planned") and SuggestionStatus.may_move("done", "in_progress")
    assert not SuggestionStatus.may_move("done", "declined") and not SuggestionStatus.may_move("open", "open")
    assert not SuggestionStatus.may_move("open", "shipped")
    assert set(SuggestionStatus.TRANSITIONS) == set(SuggestionStatus.ALL) == set(SuggestionStatus.LABELS)
