"""Parts of a page rendered once per worker for each set of values they show: the inbox's sidebar and forms.

The inbox's views with their counts, its tag links and its filter and bulk forms are the same markup from
one request to the next until a count, a tag or an agent changes; rendering them (about 60 Jinja lookups
and escapes per tag link, a WTForms field per select) cost a fifth of the page (bench/README.md).
`fragment(template, key, make_context)` renders `template` with `make_context()` the first time a worker
sees (template, language, key) and keeps the Markup. The key must hold everything the part shows, as
plain hashable values (text, numbers, tuples, frozen dataclasses); the template gets only its context
and the app's globals (`_()`), nothing of the request: URLs it links to come in its values.
"""
from flask import current_app
from markupsafe import Markup

from helpdesk.core import i18n
from helpdesk.core.kept import kept

FRAGMENTS_KEPT = 500  # a few KB each; counts that change make new keys, the limit empties the old ones
_fragments = {}


def fragment(template, key, make_context):
    """`template` rendered with `make_context()`, as Markup, once per worker for each language and `key`."""
    def make():
        return Markup(current_app.jinja_env.get_template(template).render(**make_context()))

    return kept(_fragments, (template, i18n.translations(), key), FRAGMENTS_KEPT, make)
