"""Time. Rules take `now` as an argument; only views and jobs ask the clock."""
from datetime import datetime, timezone


def utcnow():
    """The current UTC time as a naive datetime, the form stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
