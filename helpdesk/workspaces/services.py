"""Workspace rules: creation with a trial (R1, R3, R7), members and roles (R5).

Functions take the workspace, the acting member and `now` explicitly.
"""
from datetime import timedelta

from peewee import JOIN, IntegrityError, fn

from helpdesk.accounts.models import User
from helpdesk.accounts.services import normalize_email
from helpdesk.core import audit
from helpdesk.core.selects import PreparedSelect
from helpdesk.core.slugs import slugify as core_slugify
from helpdesk.core.tokens import hash_token, new_token
from helpdesk.extensions import db
from helpdesk.workspaces.models import FormerSlug, Invitation, Membership, Role, TrialClaim, Workspace

INVITATION_VALID_FOR = timedelta(days=7)
RESERVED_SLUGS = {"admin", "api", "app", "demo-reserved", "help", "operator", "static", "www"}
# Addresses at these domains are individuals: their domain is not a company's (R3).
FREE_MAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
    "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de",
    "yandex.ru", "mail.ru", "aol.com", "zoho.com", "example.com", "example.org",
}


class WorkspaceError(Exception):
    """A rule refused the action; the message is meant for the person."""


class SeatLimitReached(WorkspaceError):
    """Every paid seat is taken (R10); the page links to Your plan."""


# Called as check(workspace, now=, accepting=) before someone takes a seat; each raises SeatLimitReached.
# Billing adds the paid-seat limit (R10): it imports this module, never the other way round.
seat_checks = []


def slugify(name):
    """A URL-safe slug from a workspace name: 'Acme Café' -> 'acme-cafe'."""
    return core_slugify(name, max_length=50, fallback="workspace")


def unique_slug(name):
    """`slugify(name)`, with a number added when taken."""
    base = slugify(name)
    if base in RESERVED_SLUGS:
        base = f"{base}-team"
    taken = {w.slug for w in Workspace.select(Workspace.slug)
             .where((Workspace.slug == base) | Workspace.slug.startswith(base + "-"))}
    taken |= {f.slug for f in FormerSlug.select(FormerSlug.slug)  # they redirect to their workspace
              .where((FormerSlug.slug == base) | FormerSlug.slug.startswith(base + "-"))}
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def trial_keys(email):
    """(email key, company domain key or None) identifying one person or company (R3).

    Plus-tags are dropped, and dots in Gmail local parts, so that one inbox
    cannot take many trials.
    """
    local, _, domain = normalize_email(email).partition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}", None if domain in FREE_MAIL_DOMAINS else domain


def had_unpaid_trial(email):
    """True when this person or company already had a trial that was never paid (R3)."""
    email_key, domain_key = trial_keys(email)
    match = TrialClaim.email_key == email_key
    if domain_key:
        match |= TrialClaim.domain_key == domain_key
    claims = TrialClaim.select(TrialClaim, Workspace).join(Workspace, JOIN.LEFT_OUTER).where(match)
    return any(claim.workspace is None or claim.workspace.paid_until is None for claim in claims)


def create_workspace(owner, name, *, now, trial_days):
    """A new workspace owned by `owner`, in trial unless this person had one (R1, R3, R7).

    Returns (workspace, trial_granted).
    """
    name = name.strip()
    if not name:
        raise WorkspaceError("Give the workspace a name.")
    trial_granted = not had_unpaid_trial(owner.email)
    with db.database.atomic():
        for _ in range(3):  # two sign-ups racing for one slug: the loser takes the next number
            try:
                with db.database.atomic():
                    # The initial state (Workspace.INITIAL); every later one comes from change_status.
                    workspace = Workspace.create(
                        name=name, slug=unique_slug(name), created_at=now, status_changed_at=now,
                        status=Workspace.TRIAL if trial_granted else Workspace.LAPSED,
                        trial_ends_at=now + timedelta(days=trial_days if trial_granted else 0))
                break
            except IntegrityError:
                continue
        else:
            raise WorkspaceError("Could not find a free address for this workspace; try another name.")
        Membership.create(workspace=workspace, user=owner, role=Role.OWNER, created_at=now)
        if trial_granted:
            email_key, domain_key = trial_keys(owner.email)
            TrialClaim.create(email_key=email_key, domain_key=domain_key, workspace=workspace, created_at=now)
        audit.record("workspace_created", now=now, workspace=workspace, actor=owner,
                     trial=trial_granted)
    return workspace, trial_granted


# Built once (core/selects.py): every workspace page runs it.
_MEMBERSHIPS = PreparedSelect(lambda user_id: Membership.select(Membership, Workspace).join(Workspace)
                              .where(Membership.user == user_id).order_by(fn.LOWER(Workspace.name)), 1)


def memberships_of(user_id):
    """The user's memberships with their workspaces, by workspace name (one query)."""
    return _MEMBERSHIPS.rows(user_id)


def membership(workspace, user):
    """The user's membership of `workspace`, or None."""
    return Membership.of(workspace).where(Membership.user == user).first()


def members(workspace):
    """Members with their users, owner first, then by name (one query)."""
    order = {Role.OWNER: 0, Role.ADMIN: 1, Role.AGENT: 2}
    rows = list(Membership.of(workspace, Membership, User).join(User).order_by(fn.LOWER(User.name)))
    return sorted(rows, key=lambda m: order.get(m.role, 9))


def pending_invitations(workspace, *, now):
    """Invitations not yet accepted, revoked or expired."""
    return list(Invitation.of(workspace).where(
        Invitation.accepted_at.is_null(), Invitation.revoked_at.is_null(), Invitation.expires_at > now,
    ).order_by(Invitation.created_at.desc()))


def _require_manager(actor):
    if not actor.can_manage_members:
        raise WorkspaceError("Only the owner and admins can manage members.")


def invite(workspace, actor, email, role, *, now):
    """Invite `email` as `role`; returns (invitation, token). A repeat invite replaces the old link."""
    _require_manager(actor)
    email = normalize_email(email)
    if role not in Role.ASSIGNABLE:
        raise WorkspaceError("Choose admin or agent.")
    already = (Membership.of(workspace).join(User).where(User.email == email).exists())
    if already:
        raise WorkspaceError(f"{email} is already a member of this workspace.")
    for check in seat_checks:
        check(workspace, now=now, accepting=False)
    token, token_hash = new_token()
    with db.database.atomic():
        (Invitation.update(revoked_at=now)
         .where(Invitation.workspace == workspace, Invitation.email == email,
                Invitation.accepted_at.is_null(), Invitation.revoked_at.is_null()).execute())
        invitation = Invitation.create(workspace=workspace, email=email, role=role, token_hash=token_hash,
                                       invited_by=actor.user_id, expires_at=now + INVITATION_VALID_FOR,
                                       created_at=now)
        audit.record("member_invited", now=now, workspace=workspace, actor=actor.user, email=email, role=role)
    return invitation, token


def find_invitation(token, *, now):
    """The open invitation for a token, with its workspace. Raises WorkspaceError."""
    invitation = (Invitation.select(Invitation, Workspace).join(Workspace)
                  .where(Invitation.token_hash == hash_token(token)).first())
    if invitation is None or invitation.revoked_at or invitation.accepted_at:
        raise WorkspaceError("This invitation is not valid any more. Ask for a new one.")
    if invitation.expires_at < now:
        raise WorkspaceError("This invitation has expired. Ask the workspace admin for a new one.")
    return invitation


def accept_invitation(token, user, *, now):
    """Make `user` a member through an invitation sent to their email address."""
    invitation = find_invitation(token, now=now)
    if normalize_email(user.email) != invitation.email:
        raise WorkspaceError(f"This invitation was sent to {invitation.email}. "
                             "Sign in with that address to accept it.")
    with db.database.atomic():
        claimed = (Invitation.update(accepted_at=now)
                   .where(Invitation.id == invitation.id, Invitation.accepted_at.is_null()).execute())
        if not claimed:
            raise WorkspaceError("This invitation is not valid any more. Ask for a new one.")
        joined = membership(invitation.workspace, user)
        if joined is None:
            for check in seat_checks:
                check(invitation.workspace, now=now, accepting=True)
            joined = Membership.create(workspace=invitation.workspace, user=user, role=invitation.role,
                                       created_at=now)
        if user.email_verified_at is None:  # the link reached their inbox
            user.email_verified_at = now
            user.save()
        audit.record("member_joined", now=now, workspace=invitation.workspace, actor=user, role=joined.role)
    return joined


def revoke_invitation(workspace, actor, invitation_id, *, now):
    """Withdraw a pending invitation."""
    _require_manager(actor)
    invitation = Invitation.of(workspace).where(Invitation.id == invitation_id).first()
    if invitation is None:
        raise LookupError(invitation_id)
    invitation.revoked_at = now
    invitation.save()
    audit.record("invitation_revoked", now=now, workspace=workspace, actor=actor.user, email=invitation.email)


def get_member(workspace, membership_id):
    """A membership of this workspace by id, or LookupError (answers 404)."""
    found = Membership.of(workspace, Membership, User).join(User).where(Membership.id == membership_id).first()
    if found is None:
        raise LookupError(membership_id)
    return found


def change_role(workspace, actor, membership_id, role, *, now):
    """Make a member admin or agent (R5); the owner's role moves only by transfer."""
    _require_manager(actor)
    target = get_member(workspace, membership_id)
    if role not in Role.ASSIGNABLE:
        raise WorkspaceError("Choose admin or agent; ownership moves by transfer.")
    if target.is_owner:
        raise WorkspaceError("The owner's role changes only by transferring ownership.")
    if target.role != role:
        before, target.role = target.role, role
        target.save()
        audit.record("role_changed", now=now, workspace=workspace, actor=actor.user,
                     member=target.user.email, before=before, after=role)
    return target


def _set_grant(workspace, actor, target, field, allowed, action, *, now):
    """Set a member's permission flag `field` and write the audit row when it changes."""
    if getattr(target, field) != bool(allowed):
        setattr(target, field, bool(allowed))
        target.save()
        audit.record(action, now=now, workspace=workspace, actor=actor.user, member=target.user.email,
                     allowed=bool(allowed))
    return target


def grant_knowledge(workspace, actor, membership_id, allowed, *, now):
    """Let an agent edit the knowledge base, or stop them (owners and admins always may)."""
    _require_manager(actor)
    target = get_member(workspace, membership_id)
    return _set_grant(workspace, actor, target, "may_edit_knowledge", allowed, "knowledge_grant_changed", now=now)


def grant_billing(workspace, actor, membership_id, allowed, *, now):
    """R5: the owner lets an admin see "Your plan", pay and cancel, or stops them."""
    if not actor.is_owner:
        raise WorkspaceError("Only the owner grants billing.")
    target = get_member(workspace, membership_id)
    if target.role != Role.ADMIN:
        raise WorkspaceError("Billing is granted to admins; make them admin first.")
    return _set_grant(workspace, actor, target, "may_bill", allowed, "billing_grant_changed", now=now)


def remove_member(workspace, actor, membership_id, *, now):
    """Remove a member; the owner cannot be removed (transfer ownership first)."""
    target = get_member(workspace, membership_id)
    if target.user_id != actor.user_id:
        _require_manager(actor)
    if target.is_owner:
        raise WorkspaceError("The owner cannot be removed. Transfer ownership first.")
    target.delete_instance()
    audit.record("member_removed", now=now, workspace=workspace, actor=actor.user, member=target.user.email)
    return target


def transfer_ownership(workspace, actor, membership_id, *, now):
    """Give ownership to another member; the old owner becomes an admin."""
    if not actor.is_owner:
        raise WorkspaceError("Only the owner can transfer ownership.")
    target = get_member(workspace, membership_id)
    if target.id == actor.id:
        raise WorkspaceError("You already own this workspace.")
    with db.database.atomic():
        actor.role, target.role = Role.ADMIN, Role.OWNER
        actor.save()
        target.save()
        audit.record("ownership_transferred", now=now, workspace=workspace, actor=actor.user,
                     new_owner=target.user.email)
    return target


def may_write(workspace, *, now):
    """R13: True while a trial, a paid period or the free plan runs; else the workspace is read-only.

    Agents of a read-only workspace can still read, export and pay; incoming mail
    is still stored. This is the one check every write action goes through.
    """
    if workspace.status == Workspace.TRIAL:
        return workspace.trial_ends_at is not None and workspace.trial_ends_at > now
    if workspace.status == Workspace.ACTIVE:
        return workspace.free_plan or (workspace.paid_until is not None and workspace.paid_until > now)
    return False


def change_status(workspace, status, *, now, actor=None, since=None, reason, **details):
    """Move `workspace` to `status` and write the audit row: the one place a workspace's state changes.

    Allowed moves are `Workspace.TRANSITIONS`. The update only applies while the row is still in the
    state this object was read in, so two job runs racing move it once: returns False to the loser.
    `since` is when the new state began (a lapse dates from the period's end, not from the job run).
    """
    before = workspace.status
    if status not in Workspace.TRANSITIONS[before]:
        raise WorkspaceError(f"A workspace cannot go from {before} to {status}.")
    since = since or now
    with db.database.atomic():
        moved = (Workspace.update(status=status, status_changed_at=since)
                 .where(Workspace.id == workspace.id, Workspace.status == before).execute())
        if not moved:
            return False
        workspace.status, workspace.status_changed_at = status, since
        audit.record("workspace_status_changed", now=now, workspace=workspace, actor=actor,
                     before=before, after=status, reason=reason, since=since, **details)
    return True
