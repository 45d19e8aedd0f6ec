"""URL slugs from names and titles: 'Acme Café' -> 'acme-cafe' (workspaces, articles, heading anchors)."""
import re
import unicodedata


def slugify(text, *, max_length, fallback, separator="-"):
    """Lower-case ASCII words of `text` joined by `separator`, at most `max_length` long; `fallback` when none."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)[:max_length].strip(separator)
    return slug or fallback
