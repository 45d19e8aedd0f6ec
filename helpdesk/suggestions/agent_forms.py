"""The agents' suggestion forms: status with an official reply, the text, a ticket's link or new suggestion."""
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l
from helpdesk.suggestions.models import SuggestionStatus


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(value, label) for value, label in SuggestionStatus.LABELS.items()])
    official_reply = TextAreaField(_l("Official reply (shown at the top, emailed to followers)"),
                                   validators=[Optional(), Length(max=5000)])


class LinkTicketForm(FlaskForm):
    suggestion_id = IntegerField(_l("Suggestion"), validators=[DataRequired()])


class SuggestionFromTicketForm(FlaskForm):
    title = StringField(_l("Title of the new suggestion"),
                        validators=[DataRequired(_l("Give the suggestion a title.")), Length(max=200)])


class MergeForm(FlaskForm):
    target_id = IntegerField(_l("Merge into suggestion number"), validators=[DataRequired(_l("Give the number of the suggestion to keep."))])


class EditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the suggestion a title.")), Length(max=200)],
                        id="edit-title")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)], id="edit-description",
                                description=_l("Markdown, shown on the public board as soon as it is saved."))
