"""The public board's forms; posts and comments carry the help center's `HumanCheck` (honeypot, fill time)."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l
from helpdesk.helpcenter.forms import HumanCheck


class SuggestionForm(HumanCheck, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give your suggestion a title.")), Length(max=200)],
                        id="suggestion-title", description=_l("One line: what you would like."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)],
                                description=_l("Markdown. Why it matters to you, how you would use it."))
    tag = SelectField(_l("Tag"), coerce=int, validators=[Optional()])


class CommentForm(HumanCheck, FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(_l("Write your comment first.")),
                                                         Length(max=5000)],
                         description=_l("Markdown. Public, with your name."))
    parent = HiddenField()


class CommentEditForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(_l("Write your comment first.")),
                                                         Length(max=5000)])


class ReportForm(FlaskForm):
    reason = StringField(_l("What is wrong with it?"), validators=[Optional(), Length(max=500)])
    comment = HiddenField()
