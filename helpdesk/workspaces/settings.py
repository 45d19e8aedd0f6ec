"""Workspace settings (owners and admins): name, address (slug), default time zone, business details.

A changed slug keeps working: the old one is kept as a `FormerSlug`, and /w/<old>/... and
/h/<old>/... answer 301 to the same path under the new one. No workspace may take a slug that
another one uses or used; a workspace may take back one of its own former slugs.
"""
import re

from helpdesk.core import audit
from helpdesk.core.timefmt import is_time_zone
from helpdesk.extensions import db
from helpdesk.workspaces.models import FormerSlug, Role, Workspace
from helpdesk.workspaces.services import RESERVED_SLUGS, WorkspaceError, slugify

COUNTRY = re.compile(r"^[A-Z]{2}$")


def update_settings(workspace, actor, *, name, slug, timezone, business, now):
    """Save the settings; `business` holds name, address, country and vat_id. Returns the workspace."""
    if actor.role not in (Role.OWNER, Role.ADMIN):
        raise WorkspaceError("Only the owner and admins change the workspace settings.")
    name = " ".join((name or "").split())
    if not name:
        raise WorkspaceError("Give the workspace a name.")
    if timezone and not is_time_zone(timezone):
        raise WorkspaceError("Choose a time zone from the list.")
    country = (business.get("country") or "").strip().upper()
    if country and not COUNTRY.match(country):
        raise WorkspaceError("The country is two letters, such as DE or FR.")
    with db.database.atomic():
        if slug is not None and slugify(slug) != workspace.slug:
            change_slug(workspace, actor, slug, now=now)
        workspace.name, workspace.timezone = name[:120], timezone or None
        workspace.business_name = " ".join((business.get("name") or "").split())[:200]
        workspace.business_address = (business.get("address") or "").strip()[:500]
        workspace.business_country = country
        workspace.business_vat_id = "".join((business.get("vat_id") or "").split()).upper()[:32]
        workspace.save()
        audit.record("workspace_settings_changed", now=now, workspace=workspace, actor=actor.user)
    return workspace


def change_slug(workspace, actor, wanted, *, now):
    """Move the workspace to the slug made from `wanted`; the current one keeps redirecting."""
    slug = slugify(wanted)
    if slug in RESERVED_SLUGS:
        raise WorkspaceError(f"The address “{slug}” is reserved. Choose another.")
    taken = Workspace.select().where(Workspace.slug == slug, Workspace.id != workspace.id).exists()
    former = FormerSlug.get_or_none(FormerSlug.slug == slug)
    if taken or (former is not None and former.workspace_id != workspace.id):
        raise WorkspaceError(f"The address “{slug}” is taken (or was used by another workspace). Choose another.")
    old = workspace.slug
    if former is not None:
        former.delete_instance()  # taking back one of its own former addresses
    FormerSlug.create(workspace=workspace, slug=old, created_at=now)
    workspace.slug = slug
    workspace.save(only=[Workspace.slug])
    audit.record("workspace_slug_changed", now=now, workspace=workspace, actor=actor.user, old=old, new=slug)
    return slug


def redirect_target(slug):
    """The workspace that used `slug` before, or None."""
    former = (FormerSlug.select(FormerSlug, Workspace).join(Workspace)
              .where(FormerSlug.slug == slug).first())
    return former.workspace if former else None


def moved_path(path, prefix, old, new):
    """`path` (under /<prefix>/<old>) with the slug replaced: where a former address leads."""
    start = f"/{prefix}/{old}"
    return f"/{prefix}/{new}{path[len(start):]}" if path.startswith(start) else f"/{prefix}/{new}/"
