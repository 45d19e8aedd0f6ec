"""Knowledge-base forms: category, article (with the version it was opened at), image upload."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from helpdesk.core.fields import SelectField
from helpdesk.core.i18n import lazy_gettext as _l
from helpdesk.knowledge.models import State


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the category a name.")), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)],
                                description=_l("Shown under the name in the help center."))
    parent_id = SelectField(_l("Inside"), choices=[], validate_choice=False, validators=[Optional()])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=-1000, max=1000)],
                            description=_l("Lower numbers come first."))


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the article a title.")), Length(max=200)])
    summary = StringField(_l("Summary"), validators=[Optional(), Length(max=300)],
                          description=_l("One sentence, shown in lists and search engines."))
    category_id = SelectField(_l("Category"), choices=[], validate_choice=False, validators=[Optional()])
    state = SelectField(_l("Visible to"), choices=[SelectChoice(State.DRAFT, _l("Nobody yet (draft)")),
                                                   SelectChoice(State.PUBLISHED, _l("Everyone (published)")),
                                                   SelectChoice(State.INTERNAL, _l("Agents only (internal)"))])
    body = TextAreaField(_l("Article (Markdown)"), id="article-body",
                         description=_l("# Heading, **bold**, [link](https://...), tables, ``` code ```."))
    base_version = HiddenField()


class ImageForm(FlaskForm):
    image = FileField(_l("Image (PNG, JPEG, GIF or WebP)"), id="article-image",
                      validators=[DataRequired(_l("Choose an image first."))])
