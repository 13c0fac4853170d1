"""Nothing altered unnoticed, nothing half-written: a damaged stored file is refused with an
alert, the fixity command finds changed and missing files, a failed write leaves no file, quotas."""
from __future__ import annotations

import errno
import os
import uuid

import pytest

from supervision.audit.models import AuditEvent
from supervision.documents import storage
from supervision.documents.models import Document
from supervision.documents.services import UploadRejected, add_document
from supervision.extensions import db
from supervision.notifications.models import OutboxMessage
from tests.conftest import sealed_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def unique_pdf() -> bytes:
    """The store is content-addressed and outlives a test: each test stores its own bytes."""
    return PDF + uuid.uuid4().hex.encode()


def stored_files(app) -> list[str]:
    root = app.config["DOCUMENT_STORE"]
    return sorted(f for _d, _s, files in os.walk(root) for f in files)


@pytest.fixture
def doc(world):
    case = world.case(title="Robot")
    document = add_document(data=unique_pdf(), filename="plan.pdf", classification="internal",
                            actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    db.session.commit()
    return document


def test_a_damaged_file_is_refused_with_an_alert_and_an_audit_event(app, world, web, doc):
    storage.path_for(doc.sha256).write_bytes(PDF + b"tampered")
    web.login("a@firm-a.test")
    resp = web.get(sealed_url("document", doc.id), headers={"Accept-Language": "en"})
    assert resp.status_code == 503
    assert b"tampered" not in resp.data and "damaged" in resp.get_data(as_text=True)
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert "document.damaged" in actions and "document.download" not in actions
    assert db.session.execute(db.select(OutboxMessage).filter_by(to_address="admin@t.test")).scalar_one()


def test_the_fixity_command_lists_changed_and_missing_files(app, world, runner, doc):
    other = add_document(data=unique_pdf(), filename="b.pdf", classification="internal",
                         actor=world.applicant_a, firm_id=world.firm_a.id)
    db.session.commit()
    assert runner.invoke(args=["documents", "fixity"]).exit_code == 0
    storage.path_for(doc.sha256).write_bytes(b"changed")
    storage.path_for(other.sha256).unlink()
    result = runner.invoke(args=["documents", "fixity"])
    assert result.exit_code == 1
    assert f"CHANGED {doc.sha256}" in result.output and f"MISSING {other.sha256}" in result.output
    db.session.expire_all()
    checks = db.session.execute(db.select(AuditEvent).filter_by(action="document.fixity_check")
                                .order_by(AuditEvent.seq)).scalars().all()
    import json
    assert len(checks) == 2 and json.loads(checks[-1].details)["missing"] == [other.sha256]


def test_a_full_disk_answers_507_and_leaves_no_row_and_no_file(app, world, web, monkeypatch):
    case = world.case(title="Robot")
    db.session.commit()
    before = stored_files(app)
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, _data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    web.login("a@firm-a.test")
    import io
    resp = web.post(f"/cases/{case.id}/documents",
                    {"file": (io.BytesIO(unique_pdf()), "plan.pdf"), "classification": "internal"},
                    token_from=f"/cases/{case.id}/documents", content_type="multipart/form-data",
                    headers={"Accept-Language": "en"})
    assert resp.status_code == 507
    assert "The document store is full" in resp.get_data(as_text=True)
    assert stored_files(app) == before
    assert db.session.execute(db.select(Document)).first() is None


def test_a_file_written_for_work_that_rolls_back_is_removed(app, world):
    from supervision.core import uow

    case = world.case(title="Robot")
    db.session.commit()
    before = stored_files(app)
    with pytest.raises(RuntimeError):
        with uow.unit_of_work():
            add_document(data=unique_pdf(), filename="x.pdf", classification="internal",
                         actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
            raise RuntimeError("the rest of the work failed")
    assert stored_files(app) == before


def test_quotas_refuse_new_uploads_and_leave_old_ones(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_FIRM_FILES", 2)
    for n in range(2):
        add_document(data=unique_pdf(), filename="a.pdf", classification="internal",
                     actor=world.applicant_a, firm_id=world.firm_a.id)
    with pytest.raises(UploadRejected) as refused:
        add_document(data=unique_pdf(), filename="c.pdf", classification="internal",
                     actor=world.applicant_a, firm_id=world.firm_a.id)
    assert "Your firm has reached its upload quota (2 files" in str(refused.value)
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_USER_BYTES", 10)
    with pytest.raises(UploadRejected, match="You have reached your upload quota"):
        add_document(data=unique_pdf(), filename="d.pdf", classification="internal", actor=world.applicant_b,
                     firm_id=world.firm_b.id)
    assert db.session.execute(db.select(db.func.count(Document.id))).scalar_one() == 2


@pytest.mark.parametrize("setting, value, message", [
    ("UPLOAD_QUOTA_USER_FILES", 2, "You have reached your upload quota (2 files, "),
    ("UPLOAD_QUOTA_USER_BYTES", 200, "You have reached your upload quota ("),
    ("UPLOAD_QUOTA_FIRM_FILES", 2, "Your firm has reached its upload quota (2 files, "),
    ("UPLOAD_QUOTA_FIRM_BYTES", 200, "Your firm has reached its upload quota ("),
])
def test_each_quota_refuses_the_next_upload_on_the_page_and_keeps_the_files(app, world, web, monkeypatch,
                                                                            setting, value, message):
    """Two uploads fit (76 bytes each); the third is refused with the quota named, nothing
    is stored, and the two earlier files still download.  The firm quotas count every uploader
    of the firm; the user quotas only the uploader's own files."""
    import io

    from supervision.accounts.models import User
    from tests.factories import UserFactory

    case = world.case(title="Robot")
    colleague = UserFactory(email="a2@firm-a.test", organisation=world.firm_a, roles=["applicant"])
    db.session.commit()
    monkeypatch.setitem(app.config, setting, value)
    first = add_document(data=unique_pdf(), filename="one.pdf", classification="internal",
                         actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    uploader = world.applicant_a if "USER" in setting else db.session.get(User, colleague.id)
    second = add_document(data=unique_pdf(), filename="two.pdf", classification="internal",
                          actor=uploader, case=case, firm_id=world.firm_a.id)
    db.session.commit()
    before = stored_files(app)
    web.login("a@firm-a.test")
    page = f"/cases/{case.id}/documents"
    resp = web.post(page, {"file": (io.BytesIO(unique_pdf()), "three.pdf"), "classification": "internal"},
                    token_from=page, content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert stored_files(app) == before
    assert db.session.execute(db.select(db.func.count(Document.id))).scalar_one() == 2
    for doc in (first, second):
        assert web.get(sealed_url("document", doc.id)).status_code == 200
    # The colleague is not held by the user's quota.
    if "USER" in setting:
        colleague_web = type(web)(app.test_client())
        colleague_web.login("a2@firm-a.test")
        ok = colleague_web.post(page, {"file": (io.BytesIO(unique_pdf()), "mine.pdf"), "classification": "internal"},
                                token_from=page, content_type="multipart/form-data")
        assert ok.status_code == 303
