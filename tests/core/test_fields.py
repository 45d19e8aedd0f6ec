"""The app's SelectField writes exactly what WTForms' own widget writes, with less work."""
from wtforms import Form
from wtforms import SelectField as WTFormsSelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from helpdesk.core.fields import SelectField

CHOICES = [SelectChoice("", "Any"), SelectChoice("a&b", "<b>Tom & Jerry</b>"), SelectChoice("x\"y", "quote \" here"),
           SelectChoice("empty", ""), SelectChoice("dis", "Disabled one", render_kw={"disabled": True})]


def _render(field_class, data, **attributes):
    class Pick(Form):
        pick = field_class("Pick", choices=CHOICES, validate_choice=False)
        needed = field_class("Needed", choices=CHOICES, validators=[DataRequired()], render_kw={"data-x": "1"})

    form = Pick(data={"pick": data, "needed": data})
    return str(form.pick(**attributes)) + str(form.needed())


def test_the_options_match_wtforms_markup_selected_escaped_and_with_attributes():
    for data in ("", "a&b", "x\"y", "empty", "dis", "unknown"):
        ours = _render(SelectField, data, class_="wide")
        assert ours == _render(WTFormsSelectField, data, class_="wide")
    html = _render(SelectField, "a&b")
    assert '<option selected value="a&amp;b">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</option>' in html
    assert '<option value="empty">empty</option>' in html  # no label: the value is shown
    assert "<option disabled" in html and "<b>" not in html
    assert '<select data-x="1" id="needed" name="needed" required>' in html


def test_boolean_values_are_written_as_wtforms_writes_them():
    yes_no = [SelectChoice(True, "Yes"), SelectChoice(False, "No")]

    class Pick(Form):
        pick = SelectField("Pick", choices=yes_no, coerce=bool, validate_choice=False)

    class Theirs(Form):
        pick = WTFormsSelectField("Pick", choices=yes_no, coerce=bool, validate_choice=False)

    assert str(Pick(data={"pick": True}).pick()) == str(Theirs(data={"pick": True}).pick())


def test_choices_given_as_tuples_become_select_choices_at_construction_and_when_set():
    import warnings

    class Pick(Form):
        pick = SelectField("Pick", choices=[("a", "A"), ("b", "B")])

    form = Pick(data={"pick": "b"})
    assert all(isinstance(choice, SelectChoice) for choice in form.pick.choices)
    form.pick.choices = [("c", "C"), ("d", "D", {"disabled": True}), "e"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecation warning left for tuples
        html = str(form.pick())
    assert html == ('<select id="pick" name="pick"><option value="c">C</option>'
                    '<option disabled value="d">D</option><option value="e">e</option></select>')
