"""Forms of "Your plan": buying a period, adding seats, cancelling."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l

PERIOD_CHOICES = [SelectChoice("1", _l("1 month")), SelectChoice("3", _l("3 months")),
                  SelectChoice("6", _l("6 months")), SelectChoice("12", _l("12 months"))]
METHOD_CHOICES = [SelectChoice("card", _l("Card (the payment provider's secure page)")),
                  SelectChoice("bank", _l("Bank transfer"))]


class BuyForm(FlaskForm):
    """A period for some seats; the server prices it, `expected_gross` is what the person saw."""

    plan = SelectField(_l("Plan"), coerce=int)
    months = RadioField(_l("Period"), choices=PERIOD_CHOICES, default="12")
    seats = IntegerField(_l("Seats"), validators=[InputRequired(_l("Say how many seats.")), NumberRange(1, 1000)])
    buyer_name = StringField(_l("Name on the invoice"), validators=[DataRequired(), Length(max=200)])
    buyer_address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=500)])
    buyer_country = StringField(_l("Country code"), validators=[Optional(), Length(min=2, max=2)],
                                description=_l("Two letters, such as DE or FR."))
    buyer_vat_id = StringField(_l("VAT id"), validators=[Optional(), Length(max=32)])
    method = RadioField(_l("Pay by"), choices=METHOD_CHOICES, default="card")
    expected_gross = HiddenField()


class SeatsForm(FlaskForm):
    extra = IntegerField(_l("Seats to add"), validators=[InputRequired(_l("Say how many seats.")), NumberRange(1, 1000)])
    expected_gross = HiddenField()


class CancelForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    workspace_name = StringField(_l("The workspace's name"), validators=[DataRequired()])
