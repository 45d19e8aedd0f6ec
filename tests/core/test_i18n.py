"""Templates' `_()` and `ngettext` give what Jinja's own newstyle gettext gives, translated per request."""
from babel.support import NullTranslations

from flask import g, render_template_string
from jinja2 import Environment
from markupsafe import Markup

from helpdesk.core import i18n

SOURCES = [
    '{{ _("Ticket") }}',
    '{{ _("100%% done") }}',  # newstyle: always a %-format, so %% is one %
    '{{ _("Hello %(name)s", name=who) }}',  # a variable is escaped
    '{{ gettext("Hello %(string)s", string=who) }}',  # any variable name, "string" too
    '{{ ngettext("%(num)d ticket", "%(num)d tickets", n) }} {{ ngettext("one", "%(num)d of %(what)s", 3, what=who) }}',
    '{% trans %}Plain {{ who }} here{% endtrans %}',
    '{% trans count=n %}{{ count }} reply{% pluralize %}{{ count }} replies{% endtrans %}',
]


def _jinja_stock(autoescape):
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    environment.install_null_translations(newstyle=True)
    return environment


def test_the_same_text_as_jinjas_newstyle_gettext_with_and_without_autoescape(app):
    values = {"who": "<b>Tom & Jerry</b>", "n": 2}
    for autoescape in (True, False):
        ours = app.jinja_env.overlay(autoescape=autoescape)
        for source in SOURCES:
            with app.test_request_context():
                mine = ours.from_string(source).render(**values)
                mine_again = ours.from_string(source).render(**values)  # the kept text for a second render
            stock = _jinja_stock(autoescape).from_string(source).render(**values)
            assert mine == mine_again == stock, source
    with app.test_request_context():
        assert render_template_string('{{ _("Hello %(name)s", name=who) }}', who="<i>") == "Hello &lt;i&gt;"


class French(NullTranslations):
    WORDS = {"Inbox": "Boîte de réception", "%(num)d day": "%(num)d jour", "%(num)d days": "%(num)d jours"}

    def ugettext(self, message):
        return self.WORDS.get(message, message)

    def ungettext(self, singular, plural, n):
        return self.ugettext(singular if n == 1 else plural)


def test_each_request_uses_its_own_catalog_also_for_a_kept_text(app):
    with app.test_request_context():
        assert render_template_string('{{ _("Inbox") }}') == "Inbox"
    with app.test_request_context():
        g.translations = French()  # what translations() found for this request's locale
        assert render_template_string('{{ _("Inbox") }}, {{ ngettext("%(num)d day", "%(num)d days", 3) }}') \
            == "Boîte de réception, 3 jours"
    with app.test_request_context():
        assert render_template_string('{{ _("Inbox") }}') == "Inbox"


def test_the_kept_texts_are_bounded(app, monkeypatch):
    monkeypatch.setattr(i18n, "TEMPLATE_TEXTS_KEPT", 3)
    monkeypatch.setattr(i18n, "_template_texts", {})
    with app.test_request_context():
        for n in range(10):
            assert render_template_string(f'{{{{ _("Message {n}") }}}}') == f"Message {n}"
    assert len(i18n._template_texts) <= 3
    assert all(isinstance(text, Markup) for text in i18n._template_texts.values())
