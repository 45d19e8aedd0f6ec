"""The public help center of a workspace: its settings and branding (one row per workspace, made on first save)."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from helpdesk.core.clock import utcnow
from helpdesk.core.storage import register_storage_keys
from helpdesk.knowledge.models import Article
from helpdesk.workspaces.models import TenantModel, Workspace


class HelpCenter(TenantModel):
    """What admins set for `/h/<slug>/`: on or off, the knowledge base public or internal, the branding."""

    workspace = ForeignKeyField(Workspace, unique=True, on_delete="CASCADE")
    enabled = BooleanField(default=True)  # off: every public page answers 404
    knowledge_internal = BooleanField(default=False)  # on: articles are for agents only
    display_name = CharField(max_length=120, default="")
    welcome_text = TextField(default="")
    accent_color = CharField(max_length=7, default="")  # "#rrggbb", checked for 4.5:1 contrast
    logo_key = CharField(null=True, index=True)  # in core.storage; PNG, JPEG or WebP only
    logo_type = CharField(max_length=16, default="")
    footer_links = TextField(default="")  # one "Label | https://..." per line
    updated_at = DateTimeField(default=utcnow)

    @property
    def title(self):
        return self.display_name or self.workspace.name


register_storage_keys(HelpCenter, "logo_key")


class ArticleAnswered(TenantModel):
    """A visitor of the contact form said this suggested article answered their question (no request sent)."""

    article = ForeignKeyField(Article, on_delete="CASCADE")

    class Meta:
        indexes = ((("workspace", "article"), False),)


class EndUser(TenantModel):
    """A customer's account in one workspace's help center (separate from agents' `User`).

    It exists only once its email was confirmed (by a sign-in link), and it sees the tickets of
    the workspace's `Customer` with the same email.
    """

    email = CharField(max_length=254)  # lower-cased, confirmed
    name = CharField(max_length=200, default="")
    last_sign_in_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("workspace", "email"), True),)


class EndUserToken(TenantModel):
    """An emailed sign-in link for an address of this workspace: single use, 15 minutes."""

    email = CharField(max_length=254)
    token_hash = CharField(unique=True)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


class EndUserSession(TenantModel):
    """A signed-in browser; the cookie holds its random key, the row only the key's hash."""

    end_user = ForeignKeyField(EndUser, on_delete="CASCADE")
    key_hash = CharField(unique=True)
    expires_at = DateTimeField()
    revoked_at = DateTimeField(null=True)


MODELS = [HelpCenter, ArticleAnswered, EndUser, EndUserToken, EndUserSession]
