"""Form fields shared by every form: a SelectField whose options cost little to render.

WTForms' own <select> widget reads the signature of its option renderer on every render, passes over the
choices three times (groups, normalising, selection) with an object per option, and builds a dict and
calls `html_params` (a Markup format per attribute) for every option: the inbox's filter and bulk forms
(about 60 options) spent a tenth of the page on it, the account page's 400 time zones more.
The markup is the same (tests/core/test_fields.py compares them).

Every widget writes its attributes with `html_params`, which formats a Markup per attribute (60 us for
three on this machine, 11 fields on the inbox, more on the ticket page): `install` puts one that writes the
same text with plain strings in its place.
"""
import wtforms.widgets.core as wtforms_widgets
from markupsafe import Markup, escape
from wtforms import SelectField as WTFormsSelectField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select
from wtforms.widgets.core import clean_key


def html_params(**kwargs):
    """WTForms' `html_params`, the same text: attributes sorted by name, `True` bare, `False` left out, values
    escaped with any quote of a Markup value as `&quot;`."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(clean_key(key))
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


def install():
    """WTForms' widgets look `html_params` up in their module when they render, inputs and buttons on their
    class: they all use this one."""
    wtforms_widgets.html_params = html_params
    wtforms_widgets.Input.html_params = wtforms_widgets.Button.html_params = staticmethod(html_params)


class QuickSelect(Select):
    """A single select of plain options, written in one pass over the field's choices; anything else (groups,
    options with attributes of their own, choices given as a function or dict) as WTForms writes it."""

    def __call__(self, field, **kwargs):
        choices = field.choices
        if self.multiple or type(choices) is not list:
            return super().__call__(field, **kwargs)
        options = []
        for choice in choices:
            if type(choice) is not SelectChoice or choice.optgroup is not None or choice.render_kw:
                return super().__call__(field, **kwargs)
            selected = "selected " if field.coerce(choice.value) == field.data else ""  # WTForms' test and markup
            options.append(f'<option {selected}value="{escape(str(choice.value))}">'
                           f'{escape(choice.label or choice.value)}</option>')
        kwargs.setdefault("id", field.id)
        for name in self.validation_attrs:  # required, disabled: what the validators say
            value = getattr(field.flags, name)  # None when not set
            if value is not None and name not in kwargs:
                kwargs[name] = value
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{''.join(options)}</select>")


def select_choices(choices):
    """`choices` as WTForms' SelectChoice: for (value, label) tuples it warns at each read of each option
    (deprecated in WTForms 3.3), twice a render, which cost more than writing the option."""
    if choices is None or callable(choices) or isinstance(choices, dict):
        return choices
    return [SelectChoice(*choice) if isinstance(choice, tuple) else
            SelectChoice(choice) if isinstance(choice, str) else choice for choice in choices]


class SelectField(WTFormsSelectField):
    widget = QuickSelect()

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, choices=select_choices(choices), **kwargs)

    @WTFormsSelectField.choices.setter
    def choices(self, value):
        WTFormsSelectField.choices.fset(self, select_choices(value))
