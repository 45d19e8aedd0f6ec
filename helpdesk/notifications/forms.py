"""A person's preferences: which notifications come by email, and their signature under replies."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional

from helpdesk.core.i18n import lazy_gettext as _l
from helpdesk.mail.signatures import MAX_SIGNATURE_CHARS


class PreferenceForm(FlaskForm):
    email_mentions = BooleanField(_l("Email me when someone mentions me in a note"))
    email_assignments = BooleanField(_l("Email me when a ticket is assigned to me"))
    email_customer_replies = BooleanField(_l("Email me when a customer replies on a ticket assigned to me"))
    signature = TextAreaField(_l("Your signature under replies in this workspace"),
                              validators=[Optional(), Length(max=MAX_SIGNATURE_CHARS)],
                              description=_l("Plain text; the mailbox's signature follows it."))
