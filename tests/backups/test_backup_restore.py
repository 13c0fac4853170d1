"""Backup and restore: a backup taken while the app writes restores into a new database whose
audit log verifies and whose every stored file matches its hash; the archive is encrypted and
any change to it is refused; a restore never overwrites; a restore behind a published checkpoint
is reported and never silently re-sealed."""
from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from supervision import create_app
from supervision.audit.services import record
from supervision.audit.verify import verify_database
from supervision.backups import archive, crypto, witness
from supervision.core import dataversion, uow
from supervision.documents.models import Document
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.conftest import database_url, is_postgres_run

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSPHRASE = "correct horse battery staple"


def write_steadily(app, world_ids, stop: threading.Event, written: list[int]) -> None:
    """Another client of the platform: uploads and audit events until told to stop."""
    from supervision.accounts.models import User

    with app.app_context():
        while not stop.is_set():
            with uow.unit_of_work():
                actor = db.session.get(User, world_ids["actor"])
                doc = add_document(data=PDF + uuid.uuid4().hex.encode(), filename="w.pdf",
                                   classification="internal", actor=actor, firm_id=world_ids["firm"])
                record("test.write", actor=actor, object_type="document", object_id=doc.id)
            written.append(doc.id)
        db.session.remove()


def restored_app(tmp_path: Path, url: str):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url,
                      DOCUMENT_STORE=str(tmp_path / "restored-documents"),
                      DECISION_KEY_DIR=str(tmp_path / "restored-keys"), SERVER_NAME=None)


def new_target_url(tmp_path: Path) -> str:
    if not is_postgres_run():
        return f"sqlite:///{tmp_path / 'restored.db'}"
    url = make_url(database_url())
    name = f"restored_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_a_backup_taken_while_writing_restores_whole(app, world, tmp_path):
    ids = {"actor": world.applicant_a.id, "firm": world.firm_a.id}
    for _ in range(3):
        add_document(data=PDF + uuid.uuid4().hex.encode(), filename="a.pdf", classification="internal",
                     actor=world.applicant_a, firm_id=world.firm_a.id)
    db.session.commit()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_steadily, args=(app, ids, stop, written))
    writer.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        manifest = archive.create(tmp_path / "b.supbak", PASSPHRASE)
    finally:
        stop.set()
        writer.join()
    assert manifest["audit_events"] >= 3 and len(written) >= 3
    assert b"%PDF" not in (tmp_path / "b.supbak").read_bytes()  # encrypted
    before = dataversion.current()
    url = new_target_url(tmp_path)
    archive.restore(tmp_path / "b.supbak", PASSPHRASE, database_url=url,
                    document_store=tmp_path / "restored-documents", key_dir=tmp_path / "restored-keys")
    other = restored_app(tmp_path, url)
    with other.app_context():
        result = verify_database()
        assert result.ok and result.verified >= manifest["audit_events"]
        # A new epoch: no page kept under the backed-up history's numbers is served again.
        restored = dataversion.current()
        assert restored != before and restored.split(".")[0] != before.split(".")[0]
        docs = db.session.execute(db.select(Document)).scalars().all()
        assert len(docs) >= 6
        for doc in docs:
            stored = (tmp_path / "restored-documents" / doc.sha256[:2] / doc.sha256[2:4] / doc.sha256).read_bytes()
            assert hashlib.sha256(stored).hexdigest() == doc.sha256
        db.session.remove()
        db.engine.dispose()


def test_a_wrong_passphrase_or_a_changed_byte_is_refused(app, world, tmp_path):
    archive.create(tmp_path / "b.supbak", PASSPHRASE)
    target = dict(database_url=f"sqlite:///{tmp_path / 'x.db'}", document_store=tmp_path / "d",
                  key_dir=tmp_path / "k")
    with pytest.raises(crypto.BadBackup, match="wrong passphrase"):
        archive.restore(tmp_path / "b.supbak", "not the passphrase", **target)
    data = bytearray((tmp_path / "b.supbak").read_bytes())
    data[-40] ^= 1
    (tmp_path / "c.supbak").write_bytes(bytes(data))
    with pytest.raises(crypto.BadBackup):
        archive.restore(tmp_path / "c.supbak", PASSPHRASE, **target)
    (tmp_path / "d.supbak").write_bytes(bytes(data[:-100]))
    with pytest.raises(crypto.BadBackup, match="truncated|altered"):
        archive.restore(tmp_path / "d.supbak", PASSPHRASE, **target)
    assert not (tmp_path / "x.db").exists()


def test_a_restore_never_overwrites_without_force(app, world, tmp_path):
    archive.create(tmp_path / "b.supbak", PASSPHRASE)
    with pytest.raises(archive.RestoreRefused, match="tables|exists"):
        archive.restore(tmp_path / "b.supbak", PASSPHRASE, database_url=database_url(),
                        document_store=tmp_path / "d", key_dir=tmp_path / "k")


def test_the_commands_round_trip(app, world, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_PASSPHRASE", PASSPHRASE)
    result = runner.invoke(args=["backup", str(tmp_path / "cli.supbak")])
    assert result.exit_code == 0, result.output
    url = new_target_url(tmp_path)
    result = runner.invoke(args=["restore", str(tmp_path / "cli.supbak"), "--database-url", url,
                                 "--document-store", str(tmp_path / "d"), "--key-dir", str(tmp_path / "k")])
    assert result.exit_code == 0, result.output
    assert "run `flask audit verify` next" in result.output


def test_a_restore_behind_the_published_checkpoint_is_reported_and_not_resealed(app, world, runner, tmp_path,
                                                                              monkeypatch, caplog):
    from supervision.dossiers import checkpoints

    monkeypatch.setitem(app.config, "CHECKPOINT_WITNESS_PATH", str(tmp_path / "witness.json"))
    for n in range(3):
        record("test.event", details={"n": n})
    db.session.commit()
    with uow.unit_of_work():
        checkpoints.make_checkpoint()
    assert witness.published()["tree_size"] >= 3
    # What a restore of an older backup looks like: the log and its checkpoints are shorter.
    published = witness.published()
    witness.remember(published["tree_size"] + 5, published["root_hash"])
    caplog.set_level(logging.CRITICAL)
    witness.report_at_start_up(app)
    assert any("behind its published checkpoint" in r.getMessage() for r in caplog.records)
    record("test.event", details={"n": "after restore"})
    db.session.commit()
    with pytest.raises(checkpoints.CheckpointRefused, match="restored from an older backup"):
        with uow.unit_of_work():
            checkpoints.make_checkpoint()
    result = runner.invoke(args=["audit", "accept-restore", "--reason", "restored after disk failure"])
    assert result.exit_code == 0 and "accepted" in result.output
    assert witness.problem() is None
    with uow.unit_of_work():
        cp, _tree = checkpoints.make_checkpoint()
    assert cp.tree_size > published["tree_size"]
