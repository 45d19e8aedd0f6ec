"""The app's SelectField writes exactly what WTForms' own widget writes, with less work."""
from wtforms import Form
from wtforms import SelectField as WTFormsSelectField
from wtforms.fields.choices import SelectChoice

from helpdesk.core.fields import SelectField

CHOICES = [SelectChoice("", "Any"), SelectChoice("a&b", "<b>Tom & Jerry</b>"), SelectChoice("x\"y", "quote \" here"),
           SelectChoice("empty", ""), SelectChoice("dis", "Disabled one", render_kw={"disabled": True})]


def _render(field_class, data, **attributes):
    class Pick(Form):
        pick = field_class("Pick", choices=CHOICES, validate_choice=False)

    return str(Pick(data={"pick": data}).pick(**attributes))


def test_the_options_match_wtforms_markup_selected_escaped_and_with_attributes():
    for data in ("", "a&b", "x\"y", "empty", "dis", "unknown"):
        ours = _render(SelectField, data, class_="wide")
        assert ours == _render(WTFormsSelectField, data, class_="wide")
    html = _render(SelectField, "a&b")
    assert '<option selected value="a&amp;b">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</option>' in html
    assert '<option value="empty">empty</option>' in html  # no label: the value is shown
    assert "<option disabled" in html and "<b>" not in html


def test_boolean_values_are_written_as_wtforms_writes_them():
    yes_no = [SelectChoice(True, "Yes"), SelectChoice(False, "No")]

    class Pick(Form):
        pick = SelectField("Pick", choices=yes_no, coerce=bool, validate_choice=False)

    class Theirs(Form):
        pick = WTFormsSelectField("Pick", choices=yes_no, coerce=bool, validate_choice=False)

    assert str(Pick(data={"pick": True}).pick()) == str(Theirs(data={"pick": True}).pick())
