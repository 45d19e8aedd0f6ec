"""What an uploaded image is, read from its first bytes: the name and the browser's claim are not trusted."""

SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
              (b"GIF89a", "image/gif"))


def image_type(data):
    """The content type of PNG, JPEG, GIF or WebP bytes; None for anything else (SVG included)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)
