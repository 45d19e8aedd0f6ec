"""The email notification preferences form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class PreferenceForm(FlaskForm):
    email_mentions = BooleanField(_l("Email me when someone mentions me in a note"))
    email_assignments = BooleanField(_l("Email me when a ticket is assigned to me"))
    email_customer_replies = BooleanField(_l("Email me when a customer replies on a ticket assigned to me"))
