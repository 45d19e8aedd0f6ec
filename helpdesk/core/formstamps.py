"""When a form was shown, signed into a hidden field: a form sent back sooner than a person types is a bot's."""
import time

from flask import current_app
from itsdangerous import URLSafeTimedSerializer


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_stamp(salt, value):
    """The hidden field's value: `value` (what the form is for) and the moment, signed."""
    return _serializer(salt).dumps(value)


def read_stamp(salt, stamp, max_age=None):
    """(value, seconds since the form was shown); itsdangerous' BadSignature when forged or older than `max_age`."""
    value, shown_at = _serializer(salt).loads(stamp or "", max_age=max_age, return_timestamp=True)
    return value, time.time() - shown_at.timestamp()
