"""Images in articles: checked by their bytes, kept in `core.storage`, served by a random token."""
import secrets

from helpdesk.core import storage
from helpdesk.core.images import image_type
from helpdesk.knowledge.models import ArticleImage
from helpdesk.knowledge.services import KnowledgeError, require_editor

MAX_IMAGE_BYTES = 5 * 1024 * 1024


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
