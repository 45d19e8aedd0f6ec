"""Translations found once per request: the app's `gettext`, `ngettext` and `lazy_gettext`, and the templates'.

Flask-Babel looks the translations up anew for every string (its domain, its locale and its cache, each
read through the app context): about 140 strings on the inbox, and each option of a select labelled by a
lazy string, made that a tenth of the page's CPU. The locale is fixed for a request (Flask-Babel keeps it
in the same context), so are the translations it selects.
"""
from flask import g, has_app_context
from flask_babel import get_translations
from flask_babel.speaklater import LazyString


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


def install(app):
    """Templates' `_()`, `gettext`, `ngettext` and their contexts through `translations()` (after babel.init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(context, singular, plural, n),
        newstyle=True)
