"""Customer forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from helpdesk.core.i18n import lazy_gettext as _l


class CustomerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Email()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=64)])
    notes = TextAreaField(_l("Notes"), validators=[Optional()], description=_l("Only agents see these notes."))


class MergeForm(FlaskForm):
    other_email = EmailField(_l("Email of the duplicate customer"), validators=[DataRequired(), Email()])


class AddEmailForm(FlaskForm):
    email = EmailField(_l("Another email address"), validators=[DataRequired(), Email(), Length(max=254)])


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    domain = StringField(_l("Email domain"), validators=[Optional(), Length(max=253)],
                         description=_l("Customers writing from this domain join it, e.g. acme.example."))
