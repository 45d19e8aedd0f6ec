"""What a request brings is text without NUL characters.

No address, field or query a person writes holds one, and PostgreSQL refuses one in text (a DataError, so
a 500 where SQLite stored it): an address with one matches no page (404), and the values of a query or a
form lose theirs (nothing visible is lost, so nothing typed is refused).
"""
from flask import Request
from werkzeug.datastructures import ImmutableDict, ImmutableMultiDict, MultiDict
from werkzeug.routing import Map, PathConverter, UnicodeConverter

NUL = "\x00"


def _without_nul(value):
    return value.replace(NUL, "") if type(value) is str and NUL in value else value


class TextParameters(ImmutableMultiDict):
    """A query's or a form's values (and names) without NUL characters; files stay as they are."""

    def __init__(self, mapping=None):
        if mapping is not None:
            if isinstance(mapping, MultiDict):
                mapping = mapping.items(multi=True)
            elif isinstance(mapping, dict):
                mapping = mapping.items()
            mapping = [(_without_nul(name), _without_nul(value)) for name, value in mapping]
        super().__init__(mapping)


class TextRequest(Request):
    parameter_storage_class = TextParameters


class PathPart(UnicodeConverter):
    """A part of a path between slashes, as werkzeug's default, that holds no NUL."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


class PathRest(PathConverter):
    """The rest of a path (static files), as werkzeug's `path`, that holds no NUL."""

    regex = "[^/\\x00][^\\x00]*?"


class TextMap(Map):
    default_converters = ImmutableDict({**Map.default_converters, "default": PathPart, "string": PathPart,
                                        "path": PathRest})
