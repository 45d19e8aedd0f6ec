"""The demo workspace's knowledge base (`flask demo`): two categories and a few published articles."""
from helpdesk.knowledge import services as kb
from helpdesk.knowledge.models import State

SAMPLES = [
    ("Your account", "Signing in, passwords and profiles.", [
        ("Reset your password", "Forgot your password? Get a new one in a minute.",
         "## Ask for a reset link\nOn the sign-in page choose **Forgot your password?** and give your email.\n\n"
         "## Open the link\nThe link works for one hour and only once.\n\n"
         "## Choose a new password\nUse at least 12 characters. Every other device is signed out.", State.PUBLISHED),
        ("Change your email address", "Your email is where we send replies.",
         "Open **Profile**, type the new address and confirm it from the email we send.", State.PUBLISHED),
    ]),
    ("Orders and shipping", "Where your parcel is, returns and refunds.", [
        ("Track your order", "Follow your parcel from our warehouse to your door.",
         "| Status | Meaning |\n|---|---|\n| Packed | It leaves today |\n| Shipped | The carrier has it |\n\n"
         "The tracking number is in your shipping email.", State.PUBLISHED),
        ("Refunds: how agents handle them", "Internal notes for the team.",
         "Refund within 14 days without asking why; after that, ask a lead.", State.INTERNAL),
    ]),
]


def seed_sample_articles(workspace, owner, now):
    """Write the samples through the real services (`owner`: the owner's membership)."""
    for position, (name, description, articles) in enumerate(SAMPLES):
        category = kb.save_category(workspace, owner, None, name=name, description=description, position=position,
                                    parent_id=None, now=now)
        for title, summary, body, state in articles:
            kb.save_article(workspace, owner, None, title=title, summary=summary, body=body, state=state,
                            category_id=category.id, now=now)
