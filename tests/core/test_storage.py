"""Storage: save, read, delete and the orphan sweep, on the folder backend and on S3 (moto's server)."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from helpdesk.config import ConfigError, load_config
from helpdesk.core import storage
from helpdesk.core.clock import utcnow
from helpdesk.core.storage.sweep import sweep_orphans
from helpdesk.extensions import db
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment
from tests.factories import make_ticket, make_workspace


@pytest.fixture(params=["local", "s3"])
def backend(request, app_context, use_storage, tmp_path):
    """The app's storage switched to a fresh folder, or to a fresh bucket of the S3 server."""
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        use_storage(server.settings(server.new_bucket()))
    else:
        use_storage({"STORAGE_URL": None, "STORAGE_DIR": str(tmp_path / "storage")})
    return storage.backend()


def exists(key):
    try:
        storage.read(key)
    except FileNotFoundError:
        return False
    return True


def test_saved_bytes_read_back_and_a_missing_key_is_file_not_found(backend):
    key = storage.save(7, "../../etc/report 1.pdf", b"%PDF-1.7 \x00\xff")
    assert key.startswith("7/") and key.endswith("-report_1.pdf")
    assert storage.read(key) == b"%PDF-1.7 \x00\xff"
    with pytest.raises(FileNotFoundError):
        storage.read("7/ab/nothing-here.pdf")


def test_deleting_a_workspace_removes_its_files_and_only_its_files(backend):
    mine = [storage.save(3, f"f{n}.txt", b"x") for n in range(3)]
    theirs = storage.save(31, "kept.txt", b"y")  # a prefix that starts alike must survive
    storage.delete_workspace_files(3)
    assert not any(exists(key) for key in mine)
    assert storage.read(theirs) == b"y"


def rolled_back_upload(workspace, ticket, owner, name):
    """A note with an attachment whose transaction rolls back: the file stays, its row does not."""
    class Abort(Exception):
        pass

    with pytest.raises(Abort), db.database.atomic():
        tickets.add_note(ticket, owner, "See file", now=utcnow(),
                         attachments=[SimpleNamespace(filename=name, content_type="text/plain", data=b"lost")])
        raise Abort
    orphans = [key for key, _ in storage.backend().iter_files(str(workspace.id)) if key.endswith(name)]
    assert len(orphans) == 1 and not Attachment.select().where(Attachment.storage_key == orphans[0]).exists()
    return orphans[0]


def test_sweep_deletes_rolled_back_orphans_and_keeps_referenced_and_young_files(backend):
    workspace = make_workspace()
    owner = workspace.membership_set.get().user
    ticket = make_ticket(workspace)
    orphan = rolled_back_upload(workspace, ticket, owner, "orphan.txt")
    tickets.add_note(ticket, owner, "Kept", now=utcnow(),
                     attachments=[SimpleNamespace(filename="kept.txt", content_type="text/plain", data=b"kept")])
    referenced = Attachment.get().storage_key

    assert sweep_orphans(utcnow() + timedelta(minutes=30)) == 0  # young: its transaction may still commit
    assert exists(orphan)
    assert sweep_orphans(utcnow() + timedelta(hours=2)) == 1
    assert not exists(orphan)
    assert storage.read(referenced) == b"kept"


def test_sweep_walks_every_workspace_in_pages_and_checks_inbound_mail_keys(backend):
    from helpdesk.mail import ingest
    from tests.factories import customer_mail

    first, second = make_workspace(), make_workspace()
    orphans = [storage.save(workspace.id, f"o{n}.bin", b"o") for workspace in (first, second) for n in range(3)]
    row, _ = ingest.store_inbound(second.id, None, None, None, bytes(customer_mail()), now=utcnow())
    assert sweep_orphans(utcnow() + timedelta(hours=2), page=2) == len(orphans)
    assert not any(exists(key) for key in orphans)
    assert exists(row.raw_key)


def test_sweep_leaves_folders_that_are_not_a_workspace_s(backend):
    backend.put("backups/old.tar", b"not ours")
    assert sweep_orphans(utcnow() + timedelta(days=30)) == 0
    assert backend.get("backups/old.tar") == b"not ours"


@pytest.mark.parametrize("url", ["s3://", "s3:///prefix", "https://bucket.example/x", "bucket/prefix"])
def test_a_storage_url_without_a_bucket_is_refused(url):
    with pytest.raises(ConfigError, match="STORAGE_URL"):
        load_config({"STORAGE_URL": url})


def test_production_with_a_worker_refuses_to_start_without_storage_url():
    production = {"HELPDESK_ENV": "production", "SECRET_KEY": "s" * 40, "BASE_URL": "https://help.example.com",
                  "DATABASE_URL": "postgresql://db.internal/helpdesk", "REDIS_URL": "redis://redis.internal:6379/0",
                  "ENCRYPTION_KEYS": "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=",
                  "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}
    with pytest.raises(ConfigError, match="STORAGE_URL is missing"):
        load_config(production)
    assert load_config({**production, "STORAGE_URL": "s3://helpdesk-files/prod"})["STORAGE_URL"]
    assert load_config({**production, "STORAGE_DIR": "/mnt/shared"})["STORAGE_DIR"] == "/mnt/shared"


def test_s3_keys_must_be_set_together():
    with pytest.raises(ConfigError, match="S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"):
        load_config({"STORAGE_URL": "s3://b/p", "S3_ACCESS_KEY_ID": "id"})
