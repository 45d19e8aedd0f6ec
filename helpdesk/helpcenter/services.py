"""Help-center settings and branding: on/off, the knowledge base's audience, name, logo, colour, footer."""
import re
from dataclasses import dataclass


from helpdesk.core import audit, storage
from helpdesk.core.i18n import gettext as _
from helpdesk.core.images import image_type
from helpdesk.helpcenter.models import HelpCenter

MAX_LOGO_BYTES = 512 * 1024
# Read from the file's bytes (core.images). SVG is never accepted: it can carry script.
LOGO_TYPES = {"image/png", "image/jpeg", "image/webp"}
MIN_CONTRAST = 4.5
MAX_FOOTER_LINKS = 8
SETTINGS_FIELDS = ("enabled", "knowledge_internal", "display_name", "welcome_text", "accent_color", "footer_links")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class SettingsError(Exception):
    """A setting that cannot be saved; `field` names the form field, the message is for the person."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def help_center_of(workspace):
    """The workspace's help-center settings, or unsaved defaults (nothing is written on a read)."""
    found = HelpCenter.of(workspace).first()
    return found or HelpCenter(workspace=workspace)


# --- colour -------------------------------------------------------------------


def _luminance(colour):
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first, second):
    """WCAG contrast ratio between two '#rrggbb' colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_accent(colour):
    """The accent as stored ('' for the product's own), or SettingsError.

    The accent is the background of buttons (white text on it) and the colour of links on the
    white page, so it must keep 4.5:1 against white: one check covers both.
    """
    colour = (colour or "").strip()
    if not colour:
        return ""
    if not HEX_COLOUR.fullmatch(colour):
        raise SettingsError("accent_color", _("Write the colour as # and six hex digits, e.g. #1d4ed8."))
    ratio = contrast_ratio(colour, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise SettingsError("accent_color", _(
            "White text on this colour has a contrast of %(ratio).1f:1; it needs 4.5:1. Pick a darker colour.",
            ratio=int(ratio * 10) / 10))
    return colour.lower()


# --- logo ---------------------------------------------------------------------


def logo_type_of(data):
    """'image/png', 'image/jpeg' or 'image/webp' from the file's own bytes (never its name), else None."""
    kind = image_type(data)
    return kind if kind in LOGO_TYPES else None


def check_logo(data):
    """The logo's content type, or SettingsError (wrong type, too large)."""
    if len(data) > MAX_LOGO_BYTES:
        raise SettingsError("logo", _("The logo is larger than %(kb)d KB. Use a smaller image.",
                                      kb=MAX_LOGO_BYTES // 1024))
    content_type = logo_type_of(data)
    if content_type is None:
        raise SettingsError("logo", _("The logo must be a PNG, JPEG or WebP image."))
    return content_type


# --- footer links ---------------------------------------------------------------


@dataclass
class FooterLink:
    label: str
    url: str


def parse_footer_links(text):
    """'Label | https://...' lines into FooterLinks, or SettingsError naming the line."""
    links = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, _bar, url = line.partition("|")
        label, url = label.strip(), url.strip()
        if not label or not re.fullmatch(r"(https?://|mailto:)\S+", url):
            raise SettingsError("footer_links", _(
                "Line %(n)d: write a label, a bar and a web address, e.g. “Privacy | https://example.com/privacy”.",
                n=number))
        links.append(FooterLink(label[:80], url[:500]))
    if len(links) > MAX_FOOTER_LINKS:
        raise SettingsError("footer_links", _("At most %(n)d footer links.", n=MAX_FOOTER_LINKS))
    return links


def footer_links_of(help_center):
    """The saved footer links (saved text was checked, so this never raises for it)."""
    try:
        return parse_footer_links(help_center.footer_links)
    except SettingsError:
        return []


# --- saving -------------------------------------------------------------------


def save_settings(workspace, actor, *, enabled, knowledge_internal, display_name, welcome_text, accent_color,
                  footer_links, now, logo=None, remove_logo=False):
    """Check and save the help center's settings; `logo` is the uploaded file's bytes (or None)."""
    accent = check_accent(accent_color)
    parse_footer_links(footer_links)
    logo_type = check_logo(logo) if logo else None
    settings = help_center_of(workspace)
    if logo:
        settings.logo_key = storage.save(workspace.id, "logo", logo)  # the old file goes with the orphan sweep
        settings.logo_type = logo_type
    elif remove_logo:
        settings.logo_key, settings.logo_type = None, ""
    settings.enabled, settings.knowledge_internal = bool(enabled), bool(knowledge_internal)
    settings.display_name = (display_name or "").strip()[:120]
    settings.welcome_text = (welcome_text or "").strip()[:2000]
    settings.accent_color = accent
    settings.footer_links = (footer_links or "").strip()
    settings.updated_at = now
    settings.save()
    audit.record("help_center.settings", now=now, workspace=workspace, actor=actor, enabled=settings.enabled,
                 knowledge_internal=settings.knowledge_internal)
    return settings
