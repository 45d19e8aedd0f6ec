"""Translations found once per request: the app's `gettext`, `ngettext` and `lazy_gettext`, and the templates'.

Flask-Babel looks the translations up anew for every string (its domain, its locale and its cache, each
read through the app context): about 140 strings on the inbox, and each option of a select labelled by a
lazy string, made that a tenth of the page's CPU. The locale is fixed for a request (Flask-Babel keeps it
in the same context), so are the translations it selects.
"""
from flask import g, has_app_context
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

from helpdesk.core.kept import kept


def translations():
    if not has_app_context():
        return get_translations()  # Flask-Babel's untranslated fallback
    try:
        return g.translations
    except AttributeError:
        g.translations = found = get_translations()
        return found


def gettext(string, **variables):
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string, **variables):
    """Translated when shown (form labels defined at import time)."""
    return LazyString(gettext, string, **variables)


# A template's `_("Ticket")` as Markup, by catalog and message: the inbox shows about 90 strings, and Jinja's
# own newstyle `_()` (two context calls, a Markup, a `%` with no variables) cost a tenth of the page.
_template_texts = {}
TEMPLATE_TEXTS_KEPT = 20_000  # all the app's messages in a few languages; a bound if catalogs ever churn


@pass_eval_context
def template_gettext(eval_ctx, string, /, **variables):
    """Jinja's newstyle `gettext` (the same result: always a `%` format, Markup when autoescaping), with the
    result of a message without variables kept."""
    catalog = translations()
    if variables or not eval_ctx.autoescape or type(string) is not str:
        text = catalog.ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables
    return kept(_template_texts, (catalog, string), TEMPLATE_TEXTS_KEPT,
                lambda: Markup(catalog.ugettext(string)) % {})


@pass_eval_context
def template_ngettext(eval_ctx, singular, plural, num, /, **variables):
    """Jinja's newstyle `ngettext`, without its two context calls."""
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


def install(app):
    """Templates' `_()`, `gettext`, `ngettext` and their contexts through `translations()` (after babel.init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(context, singular, plural, n),
        newstyle=True)
    # `_` is Jinja's alias of `gettext`: both are the one function, called directly.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
