"""People who sign in, and the single-use tokens mailed to them."""
from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from helpdesk.models import BaseModel


class User(UserMixin, BaseModel):
    """A person with a sign-in: an owner, admin or agent of one or more workspaces."""

    email = CharField(unique=True)  # stored lower-cased
    name = CharField(max_length=120)
    password_hash = CharField(null=True)  # null for people who only use Google
    google_subject = CharField(null=True, unique=True)
    email_verified_at = DateTimeField(null=True)
    adult_confirmed_at = DateTimeField(null=True)
    terms_version = CharField(max_length=32, null=True)
    terms_accepted_at = DateTimeField(null=True)
    last_sign_in_at = DateTimeField(null=True)
    is_operator = BooleanField(default=False)

    class Meta:
        table_name = "app_user"  # "user" is a reserved word in PostgreSQL

    @property
    def is_verified(self):
        return self.email_verified_at is not None


class AccountToken(BaseModel):
    """A single-use link: email verification or password reset. Only its hash is stored."""

    VERIFY_EMAIL, RESET_PASSWORD = "verify_email", "reset_password"

    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    purpose = CharField(max_length=32)
    token_hash = CharField(unique=True)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)


MODELS = [User, AccountToken]
