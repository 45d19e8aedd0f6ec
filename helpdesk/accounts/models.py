"""People who sign in, their signed-in sessions, the single-use tokens mailed to them, sign-in throttles."""
from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

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
    # How times and words are shown to this person (`core.timefmt`); None: the workspace's zone.
    timezone = CharField(max_length=64, null=True)
    locale = CharField(max_length=16, default="en")

    class Meta:
        table_name = "app_user"  # "user" is a reserved word in PostgreSQL

    # Set on the instance that a sign-in or `accounts.sessions.user_for_key` returns: the key
    # in this browser's cookies, and its `UserSession` row.
    session_key = None
    current_session = None

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    def get_session_id(self):
        """What flask-login stores in the session and remember-me cookies (its `id_attribute`):
        the key of this sign-in's `UserSession`, so that ending the row ends both cookies."""
        if self.session_key is None:
            raise RuntimeError("sign people in with accounts.sessions.sign_in_browser, which opens a session")
        return self.session_key


class UserSession(BaseModel):
    """One sign-in of one browser: its cookies carry the key, the row only the key's hash.

    Sign-out sets `revoked_at` on this row; a password change or "Sign out everywhere"
    on the person's other rows. A cookie whose row is revoked or expired signs nobody in.
    """

    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    key_hash = CharField(unique=True)
    method = CharField(max_length=16)  # password, google, invitation
    remember = BooleanField(default=False)
    last_seen_at = DateTimeField()
    expires_at = DateTimeField(index=True)
    revoked_at = DateTimeField(null=True)


class AccountToken(BaseModel):
    """A single-use link: email verification, password reset or an email change. Only its hash is stored."""

    VERIFY_EMAIL, RESET_PASSWORD, CHANGE_EMAIL = "verify_email", "reset_password", "change_email"

    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    purpose = CharField(max_length=32)
    token_hash = CharField(unique=True)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)
    new_email = CharField(max_length=254, null=True)  # CHANGE_EMAIL: the address the link proves


class SignInThrottle(BaseModel):
    """Recent password attempts on one email address (with or without an account), for the
    per-account delay of `accounts.throttle`."""

    email = CharField(max_length=254, unique=True)
    failures = IntegerField(default=0)  # attempts since the last success, the running one included
    last_attempt_at = DateTimeField()
    retry_at = DateTimeField(null=True)  # no password is checked before this time


MODELS = [User, UserSession, AccountToken, SignInThrottle]
