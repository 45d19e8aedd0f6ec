"""Help-center forms: the admins' settings; the public forms (end users, contact) carry `HumanCheck`."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, EmailField, HiddenField, MultipleFileField, PasswordField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from helpdesk.accounts.forms import password_field
from helpdesk.core.i18n import lazy_gettext as _l


class SettingsForm(FlaskForm):
    enabled = BooleanField(_l("The help center is public"),
                           description=_l("Off: every help-center address answers “not found”."))
    knowledge_internal = BooleanField(_l("The knowledge base is for agents only"),
                                      description=_l("Articles then never show in the public help center."))
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=120)],
                               description=_l("Shown at the top of every page; empty: the workspace's name."))
    welcome_text = TextAreaField(_l("Welcome text"), validators=[Optional(), Length(max=2000)],
                                 description=_l("A sentence or two under “How can we help?”."))
    accent_color = StringField(_l("Accent colour"), validators=[Optional(), Length(max=7)],
                               description=_l("# and six hex digits, e.g. #1d4ed8; dark enough for white text "
                                              "(4.5:1). Empty: the product's blue."))
    logo = FileField(_l("Logo"), description=_l("PNG, JPEG or WebP, up to 512 KB (never SVG)."))
    remove_logo = BooleanField(_l("Remove the logo"))
    footer_links = TextAreaField(_l("Footer links"), validators=[Optional(), Length(max=4000)],
                                 description=_l("One a line: Label | https://address (8 at most)."))


class DomainForm(FlaskForm):
    domain = StringField(_l("Host name"), validators=[DataRequired(), Length(max=300)],
                         description=_l("A host name of your own domain, such as help.example.com: the help center "
                                        "then answers there too."))


class HumanCheck:
    """Anti-spam on every public form: a honeypot field and a signed stamp of when the form was shown."""

    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    shown = HiddenField()


class ContactForm(HumanCheck, FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Your email"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("We answer there."))
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)], id="contact-subject")
    message = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=20000)])
    files = MultipleFileField(_l("Attach files"))


class SignInForm(HumanCheck, FlaskForm):
    email = EmailField(_l("Your email"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("We email you a link that signs you in (valid 15 minutes, once)."))


class PasswordSignInForm(FlaskForm):
    """Made with prefix="pw": the sign-in page also holds the link form, whose field ids it must not repeat."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class SignUpForm(HumanCheck, FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Your email"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("We email you a link to confirm it (valid 15 minutes, once)."))


class PortalReplyForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[DataRequired(_l("Write your answer first."))])
    files = MultipleFileField(_l("Attach files"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])


class EmailChangeForm(FlaskForm):
    new_email = EmailField(_l("New email"), validators=[DataRequired(), Email(), Length(max=254)],
                           description=_l("We email a link there; your email changes when you open it."))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[Optional()])
    password = password_field(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
