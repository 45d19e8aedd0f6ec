"""Knowledge-base test data built through the real services."""
from helpdesk.core.clock import utcnow
from helpdesk.knowledge import services as kb
from helpdesk.knowledge.models import State
from helpdesk.workspaces.models import Membership, Role


def owner_of(workspace):
    return Membership.of(workspace).where(Membership.role == Role.OWNER).get()


def make_category(workspace, name="Getting started", parent=None, position=0, actor=None):
    return kb.save_category(workspace, actor or owner_of(workspace), None, name=name, description=f"All about {name}",
                            position=position, parent_id=parent.id if parent else None, now=utcnow())


def make_article(workspace, title="Reset your password", body="Open **Account** and choose Reset.",
                 state=State.PUBLISHED, category=None, summary="How to reset a forgotten password.", actor=None,
                 now=None):
    return kb.save_article(workspace, actor or owner_of(workspace), None, title=title, summary=summary, body=body,
                           state=state, category_id=category.id if category else None, now=now or utcnow())
