"""Ticket forms: new ticket, reply, note, properties, bulk actions, canned replies, filters, saved views, snooze."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, EmailField, MultipleFileField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l
from helpdesk.tickets.models import Channel, Priority, Status


def _choices(labels):
    return [SelectChoice(value, label) for value, label in labels.items()]


class NewTicketForm(FlaskForm):
    """A ticket typed in by an agent (a phone call, a chat)."""

    customer_email = EmailField(_l("Customer email"), validators=[Optional(), Email()])
    customer_name = StringField(_l("Customer name"), validators=[Optional(), Length(max=200)])
    customer_phone = StringField(_l("Customer phone"), validators=[Optional(), Length(max=64)])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("What the customer said"), validators=[DataRequired()])


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply to the customer"), validators=[DataRequired(_l("Write a reply first."))],
                         id="reply-body")
    status_after = SelectField(_l("Then set the status to"), validators=[Optional()], choices=[
        SelectChoice("", _l("(leave as it is)")), *_choices({Status.PENDING: _l("Pending"), Status.SOLVED: _l("Solved")})])
    files = MultipleFileField(_l("Attach files"), id="reply-files")
    cc = StringField(_l("Cc"), validators=[Optional(), Length(max=2000)], id="reply-cc",
                     description=_l("Addresses separated by commas; kept for the next replies."))
    bcc = StringField(_l("Bcc"), validators=[Optional(), Length(max=2000)], id="reply-bcc")


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"), validators=[DataRequired(_l("Write a note first."))],
                         description=_l("Only agents see notes."), id="note-body")
    files = MultipleFileField(_l("Attach files to the note"), id="note-files")


class PropertiesForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_choices(Status.LABELS))
    priority = SelectField(_l("Priority"), choices=_choices(Priority.LABELS))
    assignee = SelectField(_l("Assignee"), choices=[], validate_choice=False)
    tags = StringField(_l("Tags"), description=_l("Separate tags with commas."))


class BulkForm(FlaskForm):
    """Change the selected tickets; the pressed button (`action`) says which change."""

    assignee = SelectField(_l("Assign selected to"), choices=[], validate_choice=False)
    status = SelectField(_l("Set status of selected to"), choices=_choices(Status.LABELS), validate_choice=False)
    tag = StringField(_l("Add tag to selected"), validators=[Optional(), Length(max=64)])


class CannedReplyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[DataRequired()],
                         description=_l("Placeholders: {{customer.name}}, {{customer.email}}, {{ticket.number}}, "
                                        "{{ticket.subject}}, {{agent.name}}"))


class SplitForm(FlaskForm):
    subject = StringField(_l("Subject of the new ticket"), validators=[DataRequired(), Length(max=300)])


class FilterForm(FlaskForm):
    """The inbox's filters (GET, no CSRF): the fields of a saved view. Built with the workspace's choices."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], validate_choice=False, id="filter-status")
    assignee = SelectField(_l("Assignee"), choices=[], validate_choice=False, id="filter-assignee")
    priority = SelectField(_l("Priority"), choices=[], validate_choice=False, id="filter-priority")
    tag = StringField(_l("Tag"), id="filter-tag")
    channel = SelectField(_l("Channel"), choices=[], validate_choice=False, id="filter-channel")
    mailbox = SelectField(_l("Mailbox"), choices=[], validate_choice=False, id="filter-mailbox")
    customer = StringField(_l("Customer email"), id="filter-customer")

    def __init__(self, agents, mailboxes, filters):
        """`agents` as (id, name) choices, `mailboxes` as (id, address)."""
        super().__init__(formdata=None, data=filters.as_args())
        anything = [("", _l("Any"))]
        self.status.choices = anything + list(Status.LABELS.items())
        self.assignee.choices = anything + [("me", _l("Me")), ("none", _l("Nobody"))] + [
            choice for choice in agents if choice[0]]
        self.priority.choices = anything + list(Priority.LABELS.items())
        self.channel.choices = anything + list(Channel.LABELS.items())
        self.mailbox.choices = anything + [(str(mailbox_id), address) for mailbox_id, address in mailboxes]


class SavedViewForm(FlaskForm):
    name = StringField(_l("View name"), validators=[DataRequired(_l("Give the view a name.")), Length(max=80)])
    shared = BooleanField(_l("Share with the team"))


class SnoozeForm(FlaskForm):
    """Snooze until a preset or a chosen time (the person's time zone)."""

    preset = SelectField(_l("Snooze until"), choices=[SelectChoice("tomorrow", _l("Tomorrow morning")),
                                                       SelectChoice("next_week", _l("Next week")),
                                                       SelectChoice("custom", _l("A time I choose"))])
    until = DateTimeLocalField(_l("Date and time"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
