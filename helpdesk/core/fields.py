"""Form fields shared by every form: a SelectField whose options cost little to render.

WTForms' own <select> widget builds a dict and calls `html_params` (a Markup format per attribute) for
every option: the inbox's filter and bulk forms (about 60 options) spent a tenth of the page on it, the
account page's 400 time zones more.
"""
from markupsafe import Markup, escape
from wtforms import SelectField as WTFormsSelectField
from wtforms.widgets import Select


class QuickSelect(Select):
    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)  # attributes of their own: WTForms writes them
        selected = "selected " if choice.selected else ""  # the markup WTForms writes, attributes sorted
        label = choice.label or choice.value
        return Markup(f'<option {selected}value="{escape(str(choice.value))}">{escape(label)}</option>')


class SelectField(WTFormsSelectField):
    widget = QuickSelect()
