"""Mailbox and mail-settings forms. Password fields never show a stored value (R34)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l

SECURITY_CHOICES = [SelectChoice("ssl", _l("SSL/TLS")), SelectChoice("starttls", _l("STARTTLS")),
                    SelectChoice("none", _l("None (unencrypted)"))]
# Lenient on purpose: a support address may sit on an internal or reserved domain (support@corp.internal).
ADDRESS = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give an email address such as support@example.com."))
KEEP_HINT = _l("Leave empty to keep the stored password.")


class MailboxForm(FlaskForm):
    """A mailbox connected by password: IMAP to fetch, SMTP to send."""

    address = EmailField(_l("Email address"), validators=[DataRequired(), ADDRESS, Length(max=254)])
    display_name = StringField(_l("Sender name (optional)"), validators=[Optional(), Length(max=120)])
    imap_host = StringField(_l("IMAP server"), validators=[DataRequired(), Length(max=255)])
    imap_port = IntegerField(_l("IMAP port"), default=993, validators=[DataRequired(), NumberRange(1, 65535)])
    imap_security = SelectField(_l("IMAP security"), choices=SECURITY_CHOICES, default="ssl")
    imap_username = StringField(_l("IMAP user name"), validators=[Optional(), Length(max=254)],
                                description=_l("Usually the email address; leave empty to use it."))
    imap_password = PasswordField(_l("IMAP password"), validators=[Optional(), Length(max=1000)])
    imap_folder = StringField(_l("Folder to fetch"), default="INBOX", validators=[Optional(), Length(max=255)])
    sent_folder = StringField(_l("Sent folder (optional)"), validators=[Optional(), Length(max=255)],
                              description=_l("Empty: the folder the server marks as Sent."))
    smtp_host = StringField(_l("SMTP server"), validators=[DataRequired(), Length(max=255)])
    smtp_port = IntegerField(_l("SMTP port"), default=587, validators=[DataRequired(), NumberRange(1, 65535)])
    smtp_security = SelectField(_l("SMTP security"), choices=SECURITY_CHOICES, default="starttls")
    smtp_username = StringField(_l("SMTP user name"), validators=[Optional(), Length(max=254)],
                                description=_l("Empty: the same as for IMAP."))
    smtp_password = PasswordField(_l("SMTP password"), validators=[Optional(), Length(max=1000)],
                                  description=_l("Empty: the same as for IMAP."))

    def values(self):
        """The submitted values as a dict for the services."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class MailSettingsForm(FlaskForm):
    load_remote_images = BooleanField(_l("Load remote images in mail (they tell senders when a mail was read)"))
    blocked_senders = TextAreaField(_l("Blocked senders"), validators=[Optional(), Length(max=20000)],
                                    description=_l("One address (name@example.com) or domain (@example.com) "
                                                   "per line. Their mail is kept but opens no ticket."))


class ConfirmForm(FlaskForm):
    """An empty form: a confirmed POST with its CSRF token."""
