"""Knowledge-base test data built through the real services."""
from helpdesk.core.clock import utcnow
from helpdesk.knowledge import services as kb
from helpdesk.knowledge.models import State
from tests.factories import owner_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)  # PNG by its first bytes: what the upload checks


def make_category(workspace, name="Getting started", parent=None, position=0, actor=None):
    return kb.save_category(workspace, actor or owner_of(workspace), None, name=name, description=f"All about {name}",
                            position=position, parent_id=parent.id if parent else None, now=utcnow())


def make_article(workspace, title="Reset your password", body="Open **Account** and choose Reset.",
                 state=State.PUBLISHED, category=None, summary="How to reset a forgotten password.", actor=None,
                 now=None):
    return kb.save_article(workspace, actor or owner_of(workspace), None, title=title, summary=summary, body=body,
                           state=state, category_id=category.id if category else None, now=now or utcnow())


def make_image(workspace, actor=None, now=None):
    from helpdesk.knowledge import images

    return images.upload_image(workspace, actor or owner_of(workspace), "a.png", PNG, now=now or utcnow())


def fill_knowledge(workspace, owner, now):
    """A row in every knowledge table of `workspace` (the R21 deletion test fills every tenant table)."""
    category = make_category(workspace, "Billing", actor=owner)
    article = make_article(workspace, "Refunds", category=category, actor=owner, now=now)
    kb.record_vote(workspace, article, "visitor", True, now=now)
    kb.record_failed_search(workspace, "zebra", now=now)
    return make_image(workspace, owner, now)
