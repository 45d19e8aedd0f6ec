"""Account forms: sign-up, sign-in, password reset and change, completing a Google sign-up."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l
from helpdesk.core.passwords import MIN_PASSWORD_LENGTH


def password_field(label=_l("Password")):
    return PasswordField(label, validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                               message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))])


def adult_field():
    return BooleanField(_l("I am 18 years old or older"),
                        validators=[DataRequired(_l("You must be 18 or older to sign up."))])


def terms_field():
    return BooleanField(_l("I accept the terms of service"),
                        validators=[DataRequired(_l("Please accept the terms of service."))])


class WorkspaceNameMixin:
    workspace_name = StringField(_l("Workspace name"), validators=[DataRequired(), Length(max=120)],
                                 description=_l("Your team or company, e.g. “Acme Support”."))


class SignUpForm(WorkspaceNameMixin, FlaskForm):
    """R1, R2: a person, their workspace, 18+ and terms; a honeypot and a fill-time stamp."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = password_field()
    adult = adult_field()
    terms = terms_field()
    # Bots fill every field; people never see this one.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    started = HiddenField()


class CompleteSignUpForm(WorkspaceNameMixin, FlaskForm):
    """After a first Google sign-in, or to create another workspace."""

    adult = adult_field()
    terms = terms_field()


class InvitationSignUpForm(FlaskForm):
    """An invited person without an account chooses a name and password."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = password_field()
    adult = adult_field()
    terms = terms_field()


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me on this device"))


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])


class NewPasswordForm(FlaskForm):
    password = password_field(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])


class ChangePasswordForm(NewPasswordForm):
    """On the account page: the current password proves it is the owner at the keyboard."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


def time_zone_choices(blank_label):
    """The zone list of the account and workspace settings pages; '' stands for `blank_label`."""
    from helpdesk.core.timefmt import TIME_ZONES

    return [("", blank_label), *((zone, zone.replace("_", " ")) for zone in TIME_ZONES)]


class ProfileForm(FlaskForm):
    """Name, time zone and language; the zone choices are set by the view (they name the workspace's)."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    timezone = SelectField(_l("Time zone"), validate_choice=False,
                           description=_l("Every time on every page is shown in this zone."))
    locale = SelectField(_l("Language"), description=_l("More languages will follow."))


class EmailChangeForm(FlaskForm):
    """A new address; it replaces the current one only once the link sent there is opened."""

    new_email = EmailField(_l("New email address"), validators=[DataRequired(), Email(), Length(max=254)])
    current_password = PasswordField(_l("Current password"), validators=[Optional()])
