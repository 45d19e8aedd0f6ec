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


MODELS = [HelpCenter, ArticleAnswered]
