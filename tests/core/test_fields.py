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


def _wtforms_html_params():
    """WTForms' own `html_params`, from a fresh copy of its module (the app put its own in the loaded one)."""
    import importlib.util

    from wtforms.widgets import core

    spec = importlib.util.spec_from_file_location("pristine_wtforms_widgets", core.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.html_params


def test_every_widget_writes_its_attributes_as_wtforms_html_params_would():
    from markupsafe import Markup
    from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
    from wtforms.widgets import core as widgets

    from helpdesk.core.fields import html_params

    cases = [dict(name="a", id="b", aria_describedby="b-help"),
             dict(value=Markup('say "hi" <b>'), required=True, disabled=False, class_="x y", data_max_bytes=3,
                  placeholder="<\"&'>", for_="q"),
             dict()]
    for attributes in cases:
        assert html_params(**attributes) == _wtforms_html_params()(**attributes)

    class Everything(Form):
        text = StringField("Text", render_kw={"placeholder": 'a "quoted" <hint>', "autofocus": True})
        hidden = HiddenField(default="x&y")
        check = BooleanField("Check", default=True)
        area = TextAreaField("Area", render_kw={"rows": 3})
        send = SubmitField("Send")

    form = Everything()
    assert widgets.html_params is html_params and widgets.Input.html_params is html_params  # installed
    html = "".join(str(field(class_="c")) for field in form)
    assert html == ('<input autofocus class="c" id="text" name="text" placeholder="a &#34;quoted&#34; &lt;hint&gt;"'
                    ' type="text" value="">'
                    '<input class="c" id="hidden" name="hidden" type="hidden" value="x&amp;y">'
                    '<input checked class="c" id="check" name="check" type="checkbox" value="y">'
                    '<textarea class="c" id="area" name="area" rows="3">\r\n</textarea>'
                    '<input class="c" id="send" name="send" type="submit" value="Send">')


def test_plain_options_in_one_pass_match_wtforms_markup_also_with_groups_and_callables():
    plain = [choice for choice in CHOICES if not choice.render_kw]

    def rendered(field_class, data, choices):
        class Pick(Form):
            pick = field_class("Pick", choices=choices, validate_choice=False)
            needed = field_class("Needed", choices=choices, validators=[DataRequired()], render_kw={"data-x": "1"})

        form = Pick(data={"pick": data, "needed": data})
        return str(form.pick(class_="wide")) + str(form.needed())

    grouped = [SelectChoice("a", "A", optgroup="First"), SelectChoice("b", "B", optgroup="Second")]
    for choices in (plain, grouped, lambda: plain):
        for data in ("", "a&b", "x\"y", "empty", "unknown"):
            assert rendered(SelectField, data, choices) == rendered(WTFormsSelectField, data, choices)
    assert '<option selected value="a&amp;b">' in rendered(SelectField, "a&b", plain)
