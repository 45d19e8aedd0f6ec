"""Member management forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l

ROLE_CHOICES = [SelectChoice("agent", _l("Agent")), SelectChoice("admin", _l("Admin"))]


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="agent")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class ConfirmForm(FlaskForm):
    """An empty form: a confirmed POST with its CSRF token."""


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])


class WorkspaceSettingsForm(FlaskForm):
    """Owners and admins: name, address, default time zone (choices set by the view), invoice details."""

    name = StringField(_l("Workspace name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(_l("Address"), validators=[DataRequired(), Length(max=50)],
                       description=_l("What follows /w/ in your team's links and /h/ in the help center's. "
                                      "The old address keeps leading here."))
    timezone = SelectField(_l("Default time zone"), validate_choice=False,
                           description=_l("For members who have not chosen their own, and for the help center."))
    business_name = StringField(_l("Business name"), validators=[Optional(), Length(max=200)],
                                description=_l("Shown as the buyer on invoices."))
    business_address = TextAreaField(_l("Business address"), validators=[Optional(), Length(max=500)])
    business_country = StringField(_l("Country code"), validators=[Optional(), Length(min=2, max=2)],
                                   description=_l("Two letters, such as DE or FR."))
    business_vat_id = StringField(_l("VAT id"), validators=[Optional(), Length(max=32)])
