"""Images in articles: checked by their bytes, kept in `core.storage`, served by a random token."""
import secrets

from helpdesk.core import storage
from helpdesk.knowledge.models import ArticleImage
from helpdesk.knowledge.services import KnowledgeError, require_editor

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# The file's first bytes say what it is; the name and the browser's claim are not trusted.
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
              (b"GIF89a", "image/gif"))


def image_type(data):
    """The content type of PNG, JPEG, GIF or WebP bytes; None for anything else (SVG included)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def upload_image(workspace, actor, filename, data, *, now):
    """Store an image for articles; KnowledgeError for what is not an image or is too large."""
    require_editor(actor)
    kind = image_type(data)
    if kind is None:
        raise KnowledgeError("Only PNG, JPEG, GIF or WebP images can go into articles.")
    if len(data) > MAX_IMAGE_BYTES:
        raise KnowledgeError("Images can be up to 5 MB.")
    key = storage.save(workspace.id, filename, data)
    return ArticleImage.create(workspace=workspace, token=secrets.token_urlsafe(16), filename=storage.safe_filename(
        filename), content_type=kind, size=len(data), storage_key=key, uploaded_by=actor.user, created_at=now)


def find_image(workspace, token):
    image = ArticleImage.of(workspace).where(ArticleImage.token == token).first()
    if image is None:
        raise LookupError(token)
    return image
