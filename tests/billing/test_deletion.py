"""Cancellation, restore and deletion of a workspace (R18-R21)."""
from collections import namedtuple
from datetime import timedelta

import pytest

from helpdesk.accounts.models import User
from helpdesk.billing import deletion as deleting
from helpdesk.billing.models import Deletion, Invoice, LifecycleNotice
from helpdesk.billing.services import create_invoice, create_plan, subscribe
from helpdesk.core import storage
from helpdesk.core.audit import AuditEntry
from helpdesk.extensions import db, is_postgres
from helpdesk.helpcenter.models import (ArticleAnswered, EndUser, EndUserSession, EndUserSignInThrottle,
                                       EndUserToken, HelpCenter)
from helpdesk.knowledge.models import Article
from helpdesk.mail import ingest
from helpdesk.mail.jobs import fetch_due_mailboxes
from helpdesk.mail.models import BlockedSender, Mailbox, OutboundEmail
from helpdesk.mail.signatures import save_signature
from helpdesk.models import all_models
from helpdesk.operator.models import SupportAccess
from helpdesk.tickets import services as tickets
from helpdesk.tickets.drafts import save_draft
from helpdesk.tickets import saved_views
from helpdesk.tickets import services as tickets
from helpdesk.tickets.filters import Filters
from helpdesk.tickets.models import Attachment
from helpdesk.tickets.search import count_workspace_documents
from helpdesk.tickets.watchers import watch
from helpdesk.customers.models import Customer, CustomerEmail, Organization
from helpdesk.workspaces.models import FormerSlug, Membership, Role, TenantModel, TrialClaim, Workspace
from helpdesk.workspaces.services import WorkspaceError, invite
from tests.billing.helpers import START, Clock, reload, subjects
from tests.conftest import drain_jobs, sign_in
from tests.factories import (DEFAULT_PASSWORD, add_member, customer_mail, make_customer, make_user, make_workspace,
                             owner_of)
from tests.knowledge.helpers import fill_knowledge
from tests.suggestions.helpers import fill_suggestions

Upload = namedtuple("Upload", "filename content_type data")


def fill_workspace(name, plan):
    """A workspace with a row in every tenant table, stored files and search documents."""
    owner = make_user(name=f"{name} Owner")
    workspace = make_workspace(owner, name=name, now=START)
    owner_membership = owner_of(workspace)
    agent = add_member(workspace, role=Role.AGENT).user
    invite(workspace, owner_membership, f"new@{name.lower()}.example", Role.AGENT, now=START)
    FormerSlug.create(workspace=workspace, slug=f"{name.lower()}-before")
    customer = make_customer(workspace)
    organization = Organization.create(workspace=workspace, name=f"{name} Clients", domain=f"{name.lower()}.example")
    Customer.update(organization=organization).where(Customer.id == customer.id).execute()
    CustomerEmail.create(workspace=workspace, customer=customer, email=f"other@{name.lower()}.example")
    ticket = tickets.open_ticket(workspace, customer, "Printer broken", f"{name} printer jams", now=START,
                                 attachments=[Upload("jam.txt", "text/plain", b"paper jam " + name.encode())])
    note = tickets.add_note(ticket, agent, "Asked for a photo.", now=START)
    tickets.set_tags(ticket, agent, ["hardware"], now=START)
    tickets.save_canned_reply(workspace, "Thanks", "Thank you.")
    tickets.record_presence(ticket, agent, replying=False, now=START)
    tickets.add_note(ticket, owner, f"@{agent.name} can you look?", now=START)  # a mention: a Notification
    save_draft(ticket, agent.id, body="Half-written answer", now=START)
    watch(ticket, agent.id, now=START)
    saved_views.save_view(workspace, agent, "Hardware", Filters(tag="hardware"), shared=True, now=START)
    mailbox = Mailbox.create(workspace=workspace, address=f"support@{name.lower()}.example", imap_host="imap.example",
                             smtp_host="smtp.example")
    BlockedSender.create(workspace=workspace, pattern="spam@example.com")
    save_signature(workspace, f"The {name} team", mailbox=mailbox.id)
    ingest.store_inbound(workspace.id, mailbox.id, 1, 1, bytes(customer_mail(subject=f"{name} mail")), now=START)
    OutboundEmail.create(workspace=workspace, message=note, mailbox=mailbox)
    subscribe(workspace, plan, seats=2)
    LifecycleNotice.create(workspace=workspace, kind="trial_ends_7d", period="2026-12-15T09:00", claimed_at=START)
    invoice = create_invoice(workspace, plan, 2, 12, {"name": f"{name} Ltd", "country": "de"}, period_start=START,
                             now=START, seller="Operator GmbH", tax_rate=1900)
    HelpCenter.create(workspace=workspace)
    fill_knowledge(workspace, owner_membership, START)  # its image is a third stored file, not counted in keys
    ArticleAnswered.create(workspace=workspace, article=Article.of(workspace).get())
    end_user = EndUser.create(workspace=workspace, email="end@user.example")
    EndUserToken.create(workspace=workspace, email=end_user.email, token_hash=f"{name}-token", expires_at=START)
    EndUserSession.create(workspace=workspace, end_user=end_user, key_hash=f"{name}-key", expires_at=START)
    fill_suggestions(workspace, end_user, ticket, agent, START)
    SupportAccess.create(workspace=workspace, granted_by_id=owner.id, expires_at=START)
    EndUserSignInThrottle.create(workspace=workspace, email=end_user.email, last_attempt_at=START)
    keys = [a.storage_key for a in Attachment.of(workspace)] + [ingest.InboundEmail.of(workspace).get().raw_key]
    return workspace, owner, invoice, keys


def tenant_rows(workspace_id):
    """Rows per tenant table of one workspace."""
    return {model.__name__: model.select().where(model.workspace == workspace_id).count()
            for model in all_models() if issubclass(model, TenantModel)}


def readable(key):
    try:
        return bool(storage.read(key))
    except FileNotFoundError:
        return False


def listed_terms(workspace_id):
    """How many words the workspace's search documents listed (SQLite's prefix search; none on PostgreSQL)."""
    if is_postgres():
        return 0
    return db.database.execute_sql("SELECT count(*) FROM search_term WHERE workspace_id = ?",
                                   (workspace_id,)).fetchone()[0]


def test_r21_deletion_removes_every_row_file_and_document_of_the_workspace_and_nothing_else(app_context, monkeypatch):
    plan = create_plan({"name": "Team", "price_per_seat": 900}, now=START)
    gone, gone_owner, gone_invoice, gone_keys = fill_workspace("Gone", plan)
    kept, _kept_owner, _kept_invoice, kept_keys = fill_workspace("Kept", plan)
    before = tenant_rows(kept.id)
    empty = sorted(name for name, count in tenant_rows(gone.id).items() if not count)
    assert not empty, f"fill_workspace() must fill every tenant table; it missed {empty}"
    assert count_workspace_documents(gone.id) == 1 and all(readable(key) for key in gone_keys + kept_keys)
    gone_terms, kept_terms = listed_terms(gone.id), listed_terms(kept.id)
    assert is_postgres() or (gone_terms and kept_terms)
    assert len(gone_keys) == 2  # the attachment and the raw inbound mail

    monkeypatch.setattr(deleting, "enqueue", lambda *args: None)  # run the purge by hand, in tiny batches
    record = deleting.start_deletion(gone, reason="test", now=START)
    assert Membership.of(gone).count() == 0  # nobody gets in from the first moment
    deleting.purge_workspace(record.id, now=START, batch=2)

    assert tenant_rows(gone.id) == dict.fromkeys(before, 0)
    assert count_workspace_documents(gone.id) == 0 and listed_terms(gone.id) == 0
    assert not any(readable(key) for key in gone_keys)
    assert [e.action for e in AuditEntry.select().where(AuditEntry.workspace_id == gone.id)] == ["workspace_deleted"]
    assert not TrialClaim.select().where(TrialClaim.workspace == gone.id).exists()
    assert TrialClaim.select().where(TrialClaim.workspace.is_null()).count() == 1  # the trial stays used (R3)
    tombstone = reload(gone)
    assert (tombstone.status, tombstone.name, tombstone.slug) == (Workspace.DELETED, "", f"deleted.{gone.id}")
    kept_invoice_of_gone = Invoice.get_by_id(gone_invoice.id)  # the operator's books keep it, detached
    assert kept_invoice_of_gone.workspace_id is None and kept_invoice_of_gone.buyer_name == "Gone Ltd"
    finished = Deletion.get_by_id(record.id)
    assert finished.finished_at == START and finished.rows_deleted == sum(before.values()) + 1 + gone_terms  # + the search
    # document and the words it listed (SQLite)
    assert User.get_by_id(gone_owner.id)  # people keep their accounts

    assert tenant_rows(kept.id) == before
    assert count_workspace_documents(kept.id) == 1 and listed_terms(kept.id) == kept_terms
    assert all(readable(key) for key in kept_keys)
    assert tickets.search.search_ticket_ids(kept.id, "printer")


def test_r21_an_interrupted_purge_is_resumed_by_the_daily_job(app_context, monkeypatch):
    plan = create_plan({"name": "Team", "price_per_seat": 900}, now=START)
    gone, _owner, _invoice, keys = fill_workspace("Gone", plan)
    monkeypatch.setattr(deleting, "enqueue", lambda *args: None)
    record = deleting.start_deletion(gone, reason="test", now=START)

    def crash(workspace_id):
        raise OSError("storage unreachable")

    monkeypatch.setattr(deleting.storage, "delete_workspace_files", crash)
    with pytest.raises(OSError):
        deleting.purge_workspace(record.id, now=START, batch=3)
    assert Deletion.get_by_id(record.id).finished_at is None
    monkeypatch.undo()
    Clock(START + timedelta(minutes=30)).run()  # the purge may still be running: left alone
    assert Deletion.get_by_id(record.id).finished_at is None
    Clock(START + timedelta(hours=2)).run()
    drain_jobs()
    assert Deletion.get_by_id(record.id).finished_at is not None
    assert not any(readable(key) for key in keys) and not any(tenant_rows(gone.id).values())


def test_r18_only_the_owner_cancels_with_the_password_and_the_workspace_name(app, app_context):
    owner = make_user(name="Olga Owner")
    workspace = make_workspace(owner, name="Acme", now=START)
    admin = add_member(workspace, role=Role.ADMIN)
    actor = owner_of(workspace)
    for who, password, typed in ((actor, "wrong password", "Acme"), (actor, DEFAULT_PASSWORD, "Acme Inc"),
                                 (admin, DEFAULT_PASSWORD, "Acme")):
        with pytest.raises(WorkspaceError):
            deleting.cancel_workspace(workspace, who, password=password, typed_name=typed, now=START)
        assert reload(workspace).status == Workspace.TRIAL
    purged_on = deleting.cancel_workspace(workspace, actor, password=DEFAULT_PASSWORD, typed_name=" acme ",
                                          now=START)
    assert reload(workspace).status == Workspace.CANCELLED
    assert purged_on == START + timedelta(days=14)
    assert subjects(app, owner.email) == ["Acme was cancelled"]
    audit = AuditEntry.get(AuditEntry.action == "workspace_status_changed")
    assert audit.actor_id == owner.id and audit.detail_dict["after"] == "cancelled"


def test_r19_a_cancelled_workspace_answers_404_and_its_mail_is_not_fetched(app, client):
    with app.app_context():
        owner = make_user()
        workspace = make_workspace(owner, name="Acme")
        Mailbox.create(workspace=workspace, address="support@acme.example", imap_host="imap.example",
                       smtp_host="smtp.example")
        sign_in(client, owner)
        assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 200
        deleting.cancel_workspace(workspace, owner_of(workspace), password=DEFAULT_PASSWORD,
                                  typed_name="Acme", now=START)
        assert client.get(f"/w/{workspace.slug}/tickets/").status_code == 404
        assert fetch_due_mailboxes() == []


def test_r20_the_operator_restores_a_cancelled_workspace_within_14_days_only(app_context):
    owner = make_user()
    workspace = make_workspace(owner, name="Acme", now=START)
    actor = owner_of(workspace)
    deleting.cancel_workspace(workspace, actor, password=DEFAULT_PASSWORD, typed_name="Acme", now=START)
    assert deleting.restore_workspace(reload(workspace), now=START + timedelta(days=13)) == Workspace.TRIAL
    later = START + timedelta(days=20)  # trial over meanwhile: back as read-only, dated from the trial's end
    deleting.cancel_workspace(reload(workspace), actor, password=DEFAULT_PASSWORD, typed_name="Acme",
                              now=START + timedelta(days=19))
    assert deleting.restore_workspace(reload(workspace), now=later) == Workspace.LAPSED
    assert reload(workspace).status_changed_at == START + timedelta(days=14)
    deleting.cancel_workspace(reload(workspace), actor, password=DEFAULT_PASSWORD, typed_name="Acme", now=later)
    with pytest.raises(WorkspaceError):
        deleting.restore_workspace(reload(workspace), now=later + timedelta(days=14))
    assert reload(workspace).status == Workspace.CANCELLED


def test_r20_flask_billing_restore_brings_back_a_cancelled_workspace(app, app_context):
    owner = make_user()
    workspace = make_workspace(owner, name="Acme", now=START)
    deleting.cancel_workspace(workspace, owner_of(workspace), password=DEFAULT_PASSWORD,
                              typed_name="Acme", now=START)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["billing", "restore", workspace.slug, "--now", "2026-12-05T09:00"])
    assert result.exit_code == 0, result.output
    assert reload(workspace).status == Workspace.TRIAL
    result = runner.invoke(args=["billing", "restore", workspace.slug])
    assert result.exit_code == 1 and "not cancelled" in result.output
