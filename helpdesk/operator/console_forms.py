"""Forms of the console's dashboard-side pages (terms, announcements, jobs, moderation) and of the owners' terms page."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l


class AcceptTermsForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    accept = BooleanField(_l("I have read and accept these terms"),
                          validators=[DataRequired(_l("Tick the box to accept the terms, or sign out."))])


class PublishTermsForm(FlaskForm):
    version = StringField(_l("Version"), validators=[DataRequired(), Length(max=32)])
    summary = TextAreaField(_l("What changed"), validators=[DataRequired(), Length(max=5000)])


class AnnouncementForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)])
    state = SelectField(_l("Workspaces in state"), default="")
    plan = SelectField(_l("Workspaces on plan"), default="")


class HideForm(FlaskForm):
    """The moderation queue's hide: the reason is shown to the author, as the workspace's own hide does."""

    reason = TextAreaField(_l("Reason (its author reads it)"),
                           validators=[DataRequired(_l("Say why: its author reads the reason.")), Length(max=300)])
