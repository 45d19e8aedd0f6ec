"""The public help center of a workspace: its settings and branding (one row per workspace, made on first save)."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

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
    # A custom domain (helpcenter/domains.py): the host name in ASCII (IDNA), served at `/` once verified.
    domain = CharField(max_length=253, null=True, unique=True)  # one host, one workspace
    domain_token = CharField(max_length=64, default="")  # the value of the TXT record that proves the domain
    domain_added_at = DateTimeField(null=True)
    domain_verified_at = DateTimeField(null=True)  # set once by a check that found the token; kept until removed
    domain_checked_at = DateTimeField(null=True)
    domain_check = CharField(max_length=16, default="")  # the last check's outcome (domains.OUTCOMES)
    domain_cname = CharField(max_length=253, default="")  # what the host's CNAME pointed to at that check

    @property
    def verified_domain(self):
        return self.domain if self.domain and self.domain_verified_at else None

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

    Made by signing up (name and email) and usable once its email is confirmed: `email_verified_at`
    is when the owner of `email` opened a link mailed there (`is_verified`). Only then does it see
    the tickets of the workspace's `Customer` with that email, and only a verified end user can
    be signed in (every sign-in path confirms or requires it).
    """

    email = CharField(max_length=254)  # lower-cased
    name = CharField(max_length=200, default="")
    email_verified_at = DateTimeField(null=True)
    password_hash = CharField(null=True)  # argon2id (core.passwords); None: emailed links only
    last_sign_in_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("workspace", "email"), True),)

    @property
    def is_verified(self):
        return self.email_verified_at is not None


class EndUserToken(TenantModel):
    """An emailed link of this workspace: single use, 15 minutes.

    SIGN_IN (also the sign-up's confirmation) signs in the account of `email` and confirms that
    address; CHANGE_EMAIL moves `end_user` to the new address `email` once it is opened there.
    """

    SIGN_IN, CHANGE_EMAIL = "sign_in", "change_email"

    email = CharField(max_length=254)
    purpose = CharField(max_length=16, default=SIGN_IN)
    end_user = ForeignKeyField(EndUser, null=True, on_delete="CASCADE")  # CHANGE_EMAIL: whose address
    token_hash = CharField(unique=True)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("workspace", "email", "purpose"), False),)


class EndUserSession(TenantModel):
    """A signed-in browser; the cookie holds its random key, the row only the key's hash."""

    LINK, PASSWORD = "link", "password"

    end_user = ForeignKeyField(EndUser, on_delete="CASCADE")
    method = CharField(max_length=16, default=LINK)  # how it signed in: a fresh link may set a new password
    key_hash = CharField(unique=True)
    expires_at = DateTimeField()
    revoked_at = DateTimeField(null=True)


class EndUserSignInThrottle(TenantModel):
    """Recent password attempts on one address of this help center (`accounts.throttle`'s delay)."""

    email = CharField(max_length=254)
    failures = IntegerField(default=0)
    last_attempt_at = DateTimeField()
    retry_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("workspace", "email"), True),)


MODELS = [HelpCenter, ArticleAnswered, EndUser, EndUserToken, EndUserSession, EndUserSignInThrottle]
