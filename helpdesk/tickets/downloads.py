"""A stored attachment as an HTTP response: agents' pages and the help center's "My requests" alike."""
from urllib.parse import quote

from flask import make_response

from helpdesk.core import storage

# Shown in the page (images in messages) when asked; everything else is only ever downloaded.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def attachment_response(attachment, *, inline=False):
    """The file under its cleaned name; `inline` only for the image types above (nosniff: core.security)."""
    inline = inline and attachment.content_type in INLINE_TYPES
    response = make_response(storage.read(attachment.storage_key))
    response.headers["Content-Type"] = attachment.content_type if inline else "application/octet-stream"
    response.headers["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(attachment.shown_name, safe='')}")
    return response
