"""Inbox and ticket pages. Views validate, call one service, render (page or htmx partial)."""
from dataclasses import dataclass

from flask import abort, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from helpdesk.core.clock import utcnow
from helpdesk.core.i18n import gettext as _, ngettext
from helpdesk.core.render import render
from helpdesk.customers.services import CustomerError, create_customer, find_or_create_customer
from helpdesk.extensions import htmx
from helpdesk.jobs import resolve
from helpdesk.tickets import bp, inbox, inbox_parts, saved_views, sending
from helpdesk.tickets.filters import Filters
from helpdesk.tickets import services as tickets
from helpdesk.tickets.forms import SnoozeForm
from helpdesk.tickets.forms import BulkForm, CannedReplyForm, NewTicketForm, NoteForm, PropertiesForm, ReplyForm
from helpdesk.tickets.models import Attachment, CannedReply, Channel, Message, Ticket
from helpdesk.tickets.downloads import attachment_response
from helpdesk.tickets.page import page_ticket, ticket_page_context


# The events of the last bulk close, until the inbox has offered to undo it.
UNDO_CLOSE_KEY = "undo_close"
MAILBOXES = "helpdesk.mail.services.mailboxes"  # the filter's choices (the mail domain imports this one)


@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


def uploads(field):
    """The files of a multiple file field, read into memory (the request size is capped)."""
    return [Upload(f.filename, f.mimetype, f.read()) for f in field.data or [] if f and f.filename]


def get_ticket(number):
    ticket = Ticket.of(g.workspace).where(Ticket.number == number).first()
    if ticket is None:
        abort(404)
    return ticket


def _agent_choices():
    return [("", _("Nobody"))] + [(str(u.id), u.name) for u in tickets.assignable_agents(g.workspace)]


def _inbox_filters(args, visible):
    """The view, its filters and the saved view they come from (404 for a view this agent may not open)."""
    view, filters, saved = args.get("view", "open"), Filters.from_mapping(args), None
    if args.get("saved"):
        try:
            saved = saved_views.get_view(g.workspace, current_user.id, args.get("saved", type=int) or 0, visible)
        except LookupError:
            abort(404)
        view, filters = "all", Filters.from_json(saved.filters)
    return view, filters, saved


@bp.route("/")
def inbox_view():
    args = request.args
    sort, query = args.get("sort", "newest"), args.get("q", "")
    mine = saved_views.visible_views(g.workspace, current_user.id)
    view, filters, saved = _inbox_filters(args, mine)
    tag = None
    if filters and filters == Filters(tag=filters.tag) and not saved:  # a tag alone: the tag's own page
        tag, filters = filters.tag, Filters()
    if query.strip():
        numbered = inbox.numbered_ticket(g.workspace, query)
        if numbered is not None and query.strip().startswith("#"):  # "#12" opens ticket 12
            return redirect(url_for("workspace.tickets.ticket_view", number=numbered.number))
        page = inbox.search_page(g.workspace, query, cursor=args.get("after"), numbered=numbered, filters=filters,
                                 user_id=current_user.id)
    else:
        try:
            page = inbox.inbox_page(g.workspace, current_user.id, view=view, sort=sort, cursor=args.get("after"),
                                    tag=tag, filters=filters)
        except LookupError:
            abort(404)
    agents = _agent_choices()
    inbox_url = url_for("workspace.tickets.inbox_view")
    mailboxes = [(m.id, m.address) for m in resolve(MAILBOXES)(g.workspace)]
    # Only a plain view or tag polls for new tickets: a search, a filter or a saved view reads no newest id.
    newest = None if query or saved or filters else inbox.newest_ticket_id(g.workspace)
    views_nav = inbox_parts.views_nav(
        inbox_url=inbox_url, canned_url=url_for("workspace.tickets.canned_replies"),
        counts=inbox.view_counts(g.workspace, current_user.id, saved=mine), saved_views=mine,
        tags=inbox.workspace_tags(g.workspace), view=view, query=query, tag=tag, saved=saved, filters=filters)
    return render("tickets/inbox.html", "tickets/_ticket_list.html", page=page, view=view, sort=sort, tag=tag,
                  query=query, views=inbox.VIEWS, sorts=inbox.SORTS, views_nav=views_nav, inbox_url=inbox_url,
                  bulk_fields=inbox_parts.bulk_fields(agents), newest=newest,
                  undo_close=_pop_undo_close(), saved=saved, filters=filters,
                  filter_fields=inbox_parts.filter_fields(agents, mailboxes, filters), now=utcnow())


def _pop_undo_close():
    """The events of a bulk close just done in this workspace (offered once), or None."""
    undo = session.pop(UNDO_CLOSE_KEY, None)
    return undo["events"] if undo and undo.get("workspace") == g.workspace.id else None


@bp.route("/poll")
def poll():
    """htmx polls this: did a ticket of the view shown arrive since the page was loaded?"""
    newest = request.args.get("newest", type=int) or 0
    view, tag = request.args.get("view", "open"), request.args.get("tag") or None
    try:
        count = inbox.new_ticket_count(g.workspace, current_user.id, newest, view=view, tag=tag)
    except LookupError:
        abort(404)
    return render_template("tickets/_new_tickets.html", count=count, newest=newest, view=view, tag=tag)


@bp.route("/bulk", methods=["POST"])
def bulk():
    form = BulkForm()
    form.assignee.choices = _agent_choices()
    action = request.form.get("action")
    ids = request.form.getlist("ticket_ids")
    if not ids:
        flash(_("Select at least one ticket first."), "error")
    elif form.validate_on_submit():
        value = {"assign": form.assignee.data or None, "tag": form.tag.data, "status": form.status.data}.get(action)
        if action == "tag" and not (value or "").strip():
            flash(_("Type the tag to add."), "error")
        else:
            try:
                result = tickets.bulk_update(g.workspace, current_user, ids, action, value, now=utcnow())
            except tickets.TicketError as error:
                flash(str(error), "error")
            else:
                if result.closed_events:  # the inbox offers "N tickets closed. Undo"
                    session[UNDO_CLOSE_KEY] = {"workspace": g.workspace.id, "events": result.closed_events}
                else:
                    flash(ngettext("%(num)d ticket changed.", "%(num)d tickets changed.", result.changed), "success")
    else:
        flash(_("Those values were not accepted."), "error")
    return redirect(request.referrer or url_for("workspace.tickets.inbox_view"))


@bp.route("/bulk/undo-close", methods=["POST"])
def undo_close():
    """The inbox's Undo after "Close selected": the tickets get their previous statuses back."""
    restored = tickets.undo_close(g.workspace, current_user._get_current_object(), request.form.getlist("event_ids"),
                                  now=utcnow())
    flash(ngettext("%(num)d ticket has its previous status again.", "%(num)d tickets have their previous status again.",
                   restored), "success")
    return redirect(request.referrer or url_for("workspace.tickets.inbox_view"))


@bp.route("/new", methods=["GET", "POST"])
def new_ticket():
    form = NewTicketForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            if form.customer_email.data:
                customer = find_or_create_customer(g.workspace, form.customer_email.data, form.customer_name.data,
                                                   now=now)
            else:
                customer = create_customer(g.workspace, name=form.customer_name.data or "", email=None,
                                           phone=form.customer_phone.data or "", notes="", now=now)
        except CustomerError as error:
            form.customer_email.errors.append(str(error))
        else:
            ticket = tickets.open_ticket(g.workspace, customer, form.subject.data, form.body.data, now=now,
                                         channel=Channel.MANUAL, actor=current_user._get_current_object())
            flash(_("Ticket #%(number)d created.", number=ticket.number), "success")
            return redirect(url_for("workspace.tickets.ticket_view", number=ticket.number))
    return render_template("tickets/new.html", form=form), 422 if form.errors else 200


def _ticket_page(ticket, reply_form=None, note_form=None, status=200):
    context = ticket_page_context(g.workspace, ticket, current_user, now=utcnow())
    properties = PropertiesForm(status=ticket.status, priority=ticket.priority,
                                assignee=str(ticket.assignee_id or ""), tags=", ".join(context["tags"]))
    properties.assignee.choices = _agent_choices()
    canned_id = request.args.get("canned", type=int)
    # The canned reply alone in the box (not after the draft): the picker's script inserts the box's text
    # at the cursor of the agent's box, which holds the draft already. A form sent back with errors stays.
    fill_canned = canned_id and reply_form is None
    reply_form = reply_form or _composer_form(context)
    if fill_canned:
        canned = CannedReply.of(g.workspace).where(CannedReply.id == canned_id).first()
        if canned:
            reply_form.body.data = tickets.fill_placeholders(canned.body, ticket, ticket.customer, current_user)
    return render_template("tickets/ticket.html", reply_form=reply_form, note_form=note_form or NoteForm(),
                           properties=properties, snooze_form=SnoozeForm(), **context), status


def _composer_form(context):
    """The reply box as the agent left it (their draft), else with the Cc and Bcc of the last reply."""
    mine = context["my_draft"]
    if mine:
        return ReplyForm(body=mine.body, cc=mine.cc, bcc=mine.bcc)
    last = next((m for m in reversed(context["messages"]) if m.kind == Message.REPLY), None)
    return ReplyForm(cc=last.cc if last else "", bcc=last.bcc if last else "")


@bp.route("/<int:number>")
def ticket_view(number):
    ticket = page_ticket(g.workspace, current_user, number=number)
    if ticket is None:
        abort(404)
    if ticket.merged_into_id:  # merged (tickets.merging): its conversation lives on there
        return redirect(url_for("workspace.tickets.ticket_view", number=ticket.merged_into.number))
    return _ticket_page(ticket)


@bp.route("/<int:number>/reply", methods=["POST"])
def reply(number):
    ticket = get_ticket(number)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _ticket_page(ticket, reply_form=form, status=422)
    try:
        message = sending.send_reply(ticket, current_user._get_current_object(), form.body.data, now=utcnow(),
                                     cc=form.cc.data, bcc=form.bcc.data, hold_seconds=g.workspace.undo_send_seconds,
                                     attachments=uploads(form.files),
                                     status_after=form.status_after.data or None)
    except sending.AddressError as error:
        (form.bcc if str(error).startswith("Bcc") else form.cc).errors.append(str(error))
        return _ticket_page(ticket, reply_form=form, status=422)
    except tickets.ReplyRefused:
        return _ticket_page(ticket, reply_form=form, status=422)  # the composer says why, and what to do
    if g.workspace.undo_send_seconds and message.delivery_status == Message.QUEUED:
        flash(_("Sending to %(email)s in %(seconds)d seconds.", email=ticket.customer.email,
                seconds=g.workspace.undo_send_seconds), "success")
    else:
        flash(_("Reply sent to %(email)s.", email=ticket.customer.email), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number) + "#conversation-end")


@bp.route("/<int:number>/note", methods=["POST"])
def note(number):
    ticket = get_ticket(number)
    form = NoteForm()
    if not form.validate_on_submit():
        return _ticket_page(ticket, note_form=form, status=422)
    tickets.add_note(ticket, current_user._get_current_object(), form.body.data, now=utcnow(),
                     attachments=uploads(form.files))
    flash(_("Note added."), "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number) + "#conversation-end")


@bp.route("/<int:number>/properties", methods=["POST"])
def properties(number):
    """Status, priority, assignee and tags, changed in place (htmx) or by the plain form."""
    ticket = get_ticket(number)
    form = PropertiesForm()
    form.assignee.choices = _agent_choices()
    actor, now = current_user._get_current_object(), utcnow()
    error = None
    if form.validate_on_submit():
        try:
            tickets.change_status(ticket, actor, form.status.data, now=now)
            tickets.change_priority(ticket, actor, form.priority.data, now=now)
            tickets.assign(ticket, actor, int(form.assignee.data) if form.assignee.data else None, now=now)
            tickets.set_tags(ticket, actor, (form.tags.data or "").split(","), now=now)
        except tickets.TicketError as failure:
            error = str(failure)
    else:
        error = _("Those values were not accepted.")
    if htmx:
        context = ticket_page_context(g.workspace, page_ticket(g.workspace, current_user, ticket_id=ticket.id),
                                      current_user, now=now)
        fresh = PropertiesForm(status=context["ticket"].status, priority=context["ticket"].priority,
                               assignee=str(context["ticket"].assignee_id or ""), tags=", ".join(context["tags"]))
        fresh.assignee.choices = form.assignee.choices
        response = make_response(render_template("tickets/_sidebar.html", properties=fresh, error=error,
                                                  saved=not error, snooze_form=SnoozeForm(), **context))
        if not error:
            response.headers["HX-Trigger"] = "ticket-changed"  # the conversation's timeline reloads itself
        return response
    flash(error or _("Ticket updated."), "error" if error else "success")
    return redirect(url_for("workspace.tickets.ticket_view", number=number))


@bp.route("/<int:number>/presence", methods=["POST"])
def presence(number):
    """htmx polls this every few seconds: record me, answer who else is here."""
    ticket = get_ticket(number)
    now = utcnow()
    replying = bool(request.form.get("body", "").strip())
    tickets.record_presence(ticket, current_user.id, replying=replying, now=now)
    return render_template("tickets/_presence.html", ticket=ticket,
                           viewers=tickets.other_viewers(ticket, current_user.id, now=now))


@bp.route("/<int:number>/attachments/<int:attachment_id>")
def attachment(number, attachment_id):
    ticket = get_ticket(number)
    found = (Attachment.of(g.workspace).join(Message)
             .where(Attachment.id == attachment_id, Message.ticket == ticket).first())
    if found is None:
        abort(404)
    return attachment_response(found, inline=request.args.get("inline") == "1")


@bp.route("/canned/")
def canned_replies():
    items = list(CannedReply.of(g.workspace).order_by(CannedReply.title))
    return render_template("tickets/canned.html", items=items, form=CannedReplyForm())


@bp.route("/canned/new", methods=["POST"])
@bp.route("/canned/<int:canned_id>", methods=["GET", "POST"])
def edit_canned(canned_id=None):
    canned = None
    if canned_id is not None:
        canned = CannedReply.of(g.workspace).where(CannedReply.id == canned_id).first() or abort(404)
    form = CannedReplyForm(obj=canned)
    if form.validate_on_submit():
        try:
            tickets.save_canned_reply(g.workspace, form.title.data, form.body.data, canned=canned)
        except tickets.TicketError as error:  # an unknown {{placeholder}}, named with the known ones
            form.body.errors.append(str(error))
        else:
            flash(_("Canned reply saved."), "success")
            return redirect(url_for("workspace.tickets.canned_replies"))
    if canned_id is None:  # the create form sits on the list page
        items = list(CannedReply.of(g.workspace).order_by(CannedReply.title))
        return render_template("tickets/canned.html", items=items, form=form), 422
    return render_template("tickets/canned_edit.html", canned=canned, form=form), 422 if form.errors else 200


@bp.route("/canned/<int:canned_id>/delete", methods=["POST"])
def delete_canned(canned_id):
    deleted = CannedReply.delete().where(CannedReply.workspace == g.workspace, CannedReply.id == canned_id).execute()
    if not deleted:
        abort(404)
    flash(_("Canned reply deleted."), "success")
    return redirect(url_for("workspace.tickets.canned_replies"))
