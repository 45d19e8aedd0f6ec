"""Console forms: the second factor, and the operator's actions on workspaces, invoices and plans."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l


class CodeForm(FlaskForm):
    """A 6-digit code from the authenticator app (or, when passing, a recovery code)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])


class SearchForm(FlaskForm):
    """The workspace list's search and filters (GET: no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or address"), validators=[Optional(), Length(max=120)])
    state = SelectField(_l("State"), validators=[Optional()])
    plan = SelectField(_l("Plan"), validators=[Optional()])
    seats_min = IntegerField(_l("Seats, at least"), validators=[Optional(), NumberRange(min=0, max=100000)])
    seats_max = IntegerField(_l("Seats, at most"), validators=[Optional(), NumberRange(min=0, max=100000)])
    tickets_min = IntegerField(_l("Tickets, at least"), validators=[Optional(), NumberRange(min=0, max=10**9)])
    tickets_max = IntegerField(_l("Tickets, at most"), validators=[Optional(), NumberRange(min=0, max=10**9)])
    paid_before = DateField(_l("Paid until, before"), validators=[Optional()])
    inactive_since = DateField(_l("No member signed in since"), validators=[Optional()])

    MORE = ("seats_min", "seats_max", "tickets_min", "tickets_max", "paid_before", "inactive_since")


class ExtendTrialForm(FlaskForm):
    days = IntegerField(_l("Days to add"), default=14, validators=[InputRequired(), NumberRange(min=1, max=90)])


class RefundForm(FlaskForm):
    amount = IntegerField(_l("Amount in cents (empty: the refund policy)"), validators=[Optional(), NumberRange(min=1)])
    confirm = BooleanField(_l("Yes, refund this invoice"), validators=[DataRequired(_l("Tick the box to confirm."))])


class ReasonForm(FlaskForm):
    """Suspend: the reason is emailed to the owner."""

    reason = TextAreaField(_l("Reason (emailed to the owner)"), validators=[DataRequired(), Length(max=2000)])


class TerminateForm(ReasonForm):
    slug = StringField(_l("Type the workspace's address to confirm"), validators=[DataRequired(), Length(max=63)])


class SupportAccessForm(FlaskForm):
    days = RadioField(_l("Allow support access for"), coerce=int, default=1,
                      choices=[SelectChoice(1, _l("1 day")), SelectChoice(7, _l("7 days"))], validators=[InputRequired()])


class PlanForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    price_per_seat = IntegerField(_l("Price per seat per month, in cents, tax excluded"),
                                  validators=[InputRequired(), NumberRange(min=0)])
    currency = StringField(_l("Currency"), default="EUR", validators=[DataRequired(), Length(min=3, max=3)])


class EditPlanForm(FlaskForm):
    """Rename a plan and set its discount per prepaid period, in percent (stored as basis points)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    discount_1 = DecimalField(_l("Discount, 1 month prepaid (%)"), places=2,
                              validators=[InputRequired(), NumberRange(min=0, max=100)])
    discount_3 = DecimalField(_l("Discount, 3 months prepaid (%)"), places=2,
                              validators=[InputRequired(), NumberRange(min=0, max=100)])
    discount_6 = DecimalField(_l("Discount, 6 months prepaid (%)"), places=2,
                              validators=[InputRequired(), NumberRange(min=0, max=100)])
    discount_12 = DecimalField(_l("Discount, 12 months prepaid (%)"), places=2,
                               validators=[InputRequired(), NumberRange(min=0, max=100)])

    PERIODS = (1, 3, 6, 12)

    def plan_values(self):
        """The form as `billing.edit_plan` values: the name, and each discount in basis points."""
        values = {"name": self.name.data}
        for months in self.PERIODS:
            values[f"discount_{months}"] = int((self[f"discount_{months}"].data * 100).to_integral_value())
        return values


class PriceChangeForm(FlaskForm):
    price_per_seat = IntegerField(_l("New price per seat, in cents"), validators=[InputRequired(), NumberRange(min=0)])
    effective_on = DateField(_l("Applies to periods bought from (at least 30 days away)"), validators=[InputRequired()])


class RetireForm(FlaskForm):
    retire_on = DateField(_l("Stop selling on (at least 3 months away)"), validators=[InputRequired()])
