"""Workspace home, members page and invitation acceptance."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.accounts import services as accounts
from helpdesk.accounts import sessions
from helpdesk.accounts.forms import InvitationSignUpForm
from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _
from helpdesk.core.mailer import send_email
from helpdesk.core.passwords import check_password
from helpdesk.core.render import render
from helpdesk.core.urls import external_url
from helpdesk.extensions import db
from helpdesk.workspaces import public_bp, workspace_bp
from helpdesk.workspaces import services as workspaces
from helpdesk.workspaces.forms import ConfirmForm, InviteForm, PasswordConfirmForm, RoleForm
from helpdesk.workspaces.models import Role
from helpdesk.workspaces.scope import require_manager


@workspace_bp.route("/")
def home():
    """The inbox is a workspace's home."""
    return redirect(url_for("workspace.tickets.inbox_view"))


def _members_page(invite_form=None, status=200, seat_limit_reached=False):
    now = utcnow()
    return render("workspaces/members.html", "workspaces/_members.html", status=status,
                  members=workspaces.members(g.workspace),
                  invitations=workspaces.pending_invitations(g.workspace, now=now),
                  invite_form=invite_form or InviteForm(), role_form=RoleForm(), confirm_form=ConfirmForm(),
                  roles=Role, seat_limit_reached=seat_limit_reached)


@workspace_bp.route("/members")
def members():
    return _members_page()


@workspace_bp.route("/members/invite", methods=["POST"])
def invite():
    require_manager()
    form = InviteForm()
    if not form.validate_on_submit():
        return _members_page(form, 422)
    try:
        invitation, token = workspaces.invite(g.workspace, g.membership, form.email.data, form.role.data,
                                              now=utcnow())
    except workspaces.WorkspaceError as error:
        form.email.errors.append(str(error))
        return _members_page(form, 422, seat_limit_reached=isinstance(error, workspaces.SeatLimitReached))
    send_email(invitation.email, _("%(name)s invited you to %(workspace)s", name=current_user.name,
                                   workspace=g.workspace.name),
               "invitation", inviter=current_user, workspace=g.workspace, role=Role.LABELS[invitation.role],
               link=external_url("invitations.accept", token=token))
    flash(_("Invitation sent to %(email)s. The link works for 7 days.", email=invitation.email), "success")
    return redirect(url_for("workspace.members"))


@workspace_bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
def revoke_invitation(invitation_id):
    require_manager()
    if ConfirmForm().validate_on_submit():
        try:
            workspaces.revoke_invitation(g.workspace, g.membership, invitation_id, now=utcnow())
        except LookupError:
            abort(404)
        flash(_("Invitation withdrawn."), "success")
    return redirect(url_for("workspace.members"))


@workspace_bp.route("/members/<int:membership_id>/role", methods=["POST"])
def change_role(membership_id):
    require_manager()
    form = RoleForm()
    if form.validate_on_submit():
        try:
            member = workspaces.change_role(g.workspace, g.membership, membership_id, form.role.data, now=utcnow())
            flash(_("%(name)s is now %(role)s.", name=member.user.name, role=Role.LABELS[member.role]), "success")
        except LookupError:
            abort(404)
        except workspaces.WorkspaceError as error:
            flash(str(error), "error")
    return redirect(url_for("workspace.members"))


@workspace_bp.route("/members/<int:membership_id>/knowledge", methods=["POST"])
def grant_knowledge(membership_id):
    """The members page's "may edit the knowledge base" box of an agent."""
    require_manager()
    return _set_permission(workspaces.grant_knowledge, membership_id, "may_edit_knowledge",
                           _("%(name)s may now edit the knowledge base."),
                           _("%(name)s may no longer edit the knowledge base."))


@workspace_bp.route("/members/<int:membership_id>/billing", methods=["POST"])
def grant_billing(membership_id):
    """The members page's "billing" box of an admin, set by the owner (R5)."""
    return _set_permission(workspaces.grant_billing, membership_id, "may_bill",
                           _("%(name)s may now see and pay billing."), _("%(name)s may no longer see billing."))


def _set_permission(grant, membership_id, field, granted, revoked):
    """A members-page permission box: `grant` (a service) sets the membership's `field` from the form."""
    if ConfirmForm().validate_on_submit():
        try:
            member = grant(g.workspace, g.membership, membership_id, request.form.get(field) == "y", now=utcnow())
        except LookupError:
            abort(404)
        except workspaces.WorkspaceError as error:
            flash(str(error), "error")
        else:
            flash((granted if getattr(member, field) else revoked) % {"name": member.user.name}, "success")
    return redirect(url_for("workspace.members"))


@workspace_bp.route("/members/<int:membership_id>/remove", methods=["GET", "POST"])
def remove_member(membership_id):
    try:
        member = workspaces.get_member(g.workspace, membership_id)
    except LookupError:
        abort(404)
    if member.user_id != current_user.id:
        require_manager()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            workspaces.remove_member(g.workspace, g.membership, membership_id, now=utcnow())
        except workspaces.WorkspaceError as error:
            flash(str(error), "error")
            return redirect(url_for("workspace.members"))
        if member.user_id == current_user.id:
            flash(_("You left %(workspace)s.", workspace=g.workspace.name), "success")
            return redirect(url_for("accounts.index"))
        flash(_("%(name)s was removed from the workspace.", name=member.user.name), "success")
        return redirect(url_for("workspace.members"))
    return render_template("workspaces/remove_member.html", member=member, form=form)


@workspace_bp.route("/members/<int:membership_id>/transfer", methods=["GET", "POST"])
def transfer_ownership(membership_id):
    if not g.membership.is_owner:
        abort(403)
    try:
        member = workspaces.get_member(g.workspace, membership_id)
    except LookupError:
        abort(404)
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        if not check_password(current_user.password_hash, form.password.data):
            form.password.errors.append(_("That is not your password."))
        else:
            try:
                workspaces.transfer_ownership(g.workspace, g.membership, membership_id, now=utcnow())
            except workspaces.WorkspaceError as error:
                flash(str(error), "error")
            else:
                flash(_("%(name)s now owns %(workspace)s; you are an admin.", name=member.user.name,
                        workspace=g.workspace.name), "success")
            return redirect(url_for("workspace.members"))
    return render_template("workspaces/transfer.html", member=member, form=form), 422 if form.errors else 200


@public_bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token):
    """Join a workspace: signed-in people confirm; newcomers choose a name and password."""
    now = utcnow()
    try:
        invitation = workspaces.find_invitation(token, now=now)
    except workspaces.WorkspaceError as error:
        # Used, withdrawn or expired: say so, and how to go on (sign in, or ask for a new one).
        return render_template("workspaces/accept.html", invitation=None, reason=str(error)), 404
    existing = accounts.find_user(invitation.email)
    form = ConfirmForm() if current_user.is_authenticated or existing else InvitationSignUpForm()
    if form.validate_on_submit():
        try:
            with db.database.atomic():
                if current_user.is_authenticated:
                    user = current_user
                elif existing:
                    return redirect(url_for("accounts.signin", email=invitation.email,
                                            next=url_for("invitations.accept", token=token)))
                else:
                    user = accounts.create_user(form.name.data, invitation.email, form.password.data, now=now,
                                                terms_version=current_app.config["TERMS_VERSION"], verified=True)
                workspaces.accept_invitation(token, user, now=now)
        except (workspaces.WorkspaceError, accounts.AccountError) as error:
            flash(str(error), "error")
        else:
            if not current_user.is_authenticated:
                accounts.record_sign_in(user, now=now, method="invitation")
                sessions.sign_in_browser(user, method="invitation", now=now)
            flash(_("Welcome to %(workspace)s!", workspace=invitation.workspace.name), "success")
            return redirect(url_for("workspace.home", workspace_slug=invitation.workspace.slug))
    return render_template("workspaces/accept.html", invitation=invitation, form=form, existing=existing,
                           role=Role.LABELS[invitation.role])
