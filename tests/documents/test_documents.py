"""Uploading and downloading case documents: types by content, size limit, classification,
content-addressed storage outside the web root, access checks and the audit trail."""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from supervision.audit.models import AuditEvent
from supervision.documents import services as documents
from supervision.documents.models import Document
from supervision.extensions import db
from tests.conftest import sealed_url

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
       b"\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
TEXT = "季度报告 quarterly report: all units in service.\n".encode()
EN = {"Accept-Language": "en"}


def count(model, *where) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)).scalar_one()


def events(action: str) -> int:
    return count(AuditEvent, AuditEvent.action == action)


def upload(web, case, data: bytes, name: str, classification: str = "internal"):
    page = f"/cases/{case.id}/documents"
    return web.post(page, {"file": (io.BytesIO(data), name), "classification": classification},
                    token_from=page, content_type="multipart/form-data", headers=EN)


@pytest.fixture
def case(world):
    return world.submitted_case()  # a draft is the firm's alone: regulators see it once submitted


@pytest.fixture
def store(app) -> Path:
    return Path(app.config["DOCUMENT_STORE"])


def test_applicant_uploads_a_pdf_stored_under_its_sha256(world, web, case, store):
    web.login("a@firm-a.test")
    resp = upload(web, case, PDF, "营业执照.pdf", "confidential")
    assert resp.status_code == 303
    doc = db.session.execute(db.select(Document)).scalar_one()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (doc.sha256, doc.filename, doc.content_type, doc.size) == (digest, "营业执照.pdf", "application/pdf", len(PDF))
    assert (doc.classification, doc.case_id, doc.firm_id) == ("confidential", case.id, world.firm_a.id)
    assert (store / digest[:2] / digest[2:4] / digest).read_bytes() == PDF
    assert events("document.upload") == 1
    page = web.get(f"/cases/{case.id}/documents", headers=EN).get_data(as_text=True)
    assert "营业执照.pdf" in page and "Confidential (敏感)" in page


@pytest.mark.parametrize("data, name, mime", [(PNG, "photo.png", "image/png"),
                                              (JPEG, "photo.jpeg", "image/jpeg")])
def test_images_are_accepted_by_content(world, web, case, data, name, mime):
    web.login("a@firm-a.test")
    assert upload(web, case, data, name, "public").status_code == 303
    assert db.session.execute(db.select(Document.content_type)).scalar_one() == mime


def test_name_follows_content_not_the_other_way(world, web, case):
    web.login("a@firm-a.test")
    assert upload(web, case, PNG, "scan.pdf").status_code == 303
    doc = db.session.execute(db.select(Document)).scalar_one()
    assert (doc.content_type, doc.filename) == ("image/png", "scan.pdf.png")


@pytest.mark.parametrize("data, name, message", [
    (TEXT, "report.pdf", "Only PDF, PNG and JPEG files are accepted"),
    (EXE, "report.pdf", "Only PDF, PNG and JPEG files are accepted"),
    (b"", "empty.pdf", "The file is empty."),
])
def test_rejected_upload_stores_nothing(world, web, case, store, data, name, message):
    web.login("a@firm-a.test")
    before = sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []
    resp = upload(web, case, data, name)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert count(Document) == 0
    assert events("document.upload") == 0
    after = sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []
    assert after == before


def test_size_limit_has_a_clear_message(app, world, web, case, store):
    saved = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 2048
    try:
        web.login("a@firm-a.test")
        big = PDF + b"0" * 2048
        resp = upload(web, case, big, "big.pdf")
        assert resp.status_code == 422
        assert "The file is larger than the limit of 2 KB." in resp.get_data(as_text=True)
        assert count(Document) == 0 and events("document.upload") == 0
        assert not (store / hashlib.sha256(big).hexdigest()[:2]).exists() or not any(
            p.name == hashlib.sha256(big).hexdigest() for p in store.rglob("*"))
        assert upload(web, case, PDF, "small.pdf").status_code == 303   # under the limit: fine
    finally:
        app.config["MAX_UPLOAD_BYTES"] = saved


def test_unknown_classification_is_refused(world, web, case):
    web.login("a@firm-a.test")
    resp = upload(web, case, PDF, "a.pdf", "secret")
    assert resp.status_code == 422
    assert count(Document) == 0


def test_download_is_an_attachment_with_utf8_name_and_audited(world, web, case):
    web.login("a@firm-a.test")
    upload(web, case, PDF, "营业执照 2026.pdf")
    doc = db.session.execute(db.select(Document)).scalar_one()
    resp = web.get(sealed_url("document", doc.id))
    assert resp.status_code == 200
    assert resp.data == PDF
    assert resp.mimetype == "application/pdf"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%202026.pdf" in disposition
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in resp.headers["Cache-Control"]
    ev = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "document.download")).scalar_one()
    assert (ev.object_id, ev.case_id, ev.actor_email) == (str(doc.id), case.id, "a@firm-a.test")


def _uploaded(web, case, email="a@firm-a.test") -> Document:
    web.login(email)
    assert upload(web, case, PDF, "plan.pdf").status_code == 303
    web.post("/logout", token_from=f"/cases/{case.id}")
    return db.session.execute(db.select(Document).order_by(Document.id.desc())).scalars().first()


@pytest.mark.parametrize("email, status", [("b@firm-b.test", 404), ("other@t.test", 403)])
def test_nobody_fetches_a_file_they_may_not_see(world, web, case, email, status):
    doc = _uploaded(web, case)
    web.login(email)
    assert web.get(sealed_url("document", doc.id)).status_code == status
    assert web.get(f"/cases/{case.id}/documents").status_code == status
    resp = upload(web, case, PNG, "intrusion.png")
    assert resp.status_code == status
    assert count(Document) == 1
    assert events("document.download") == 0
    assert events("access.denied") >= 3


def test_anonymous_is_sent_to_sign_in(world, web, case):
    doc = _uploaded(web, case)
    resp = web.get(sealed_url("document", doc.id))
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]
    assert events("document.download") == 0


def test_regulators_and_auditors_of_the_case_may_download(world, web, case):
    doc = _uploaded(web, case)
    for email in ("officer@t.test", "auditor@t.test"):
        web.login(email)
        assert web.get(sealed_url("document", doc.id)).status_code == 200
        web.post("/logout", token_from="/cases")
    assert events("document.download") == 2


def test_officer_working_paper_is_not_shown_to_the_firm(world, web, case):
    paper = _uploaded(web, case, email="officer@t.test")
    assert paper.firm_id is None
    web.login("a@firm-a.test")
    assert web.get(sealed_url("document", paper.id)).status_code == 404
    assert "plan.pdf" not in web.get(f"/cases/{case.id}/documents").get_data(as_text=True)


def test_auditor_reads_the_list_but_cannot_upload(world, web, case):
    _uploaded(web, case)
    web.login("auditor@t.test")
    page = web.get(f"/cases/{case.id}/documents", headers=EN)
    assert page.status_code == 200
    assert "plan.pdf" in page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' not in page.get_data(as_text=True)
    assert upload(web, case, PNG, "x.png").status_code == 403
    assert count(Document) == 1


def test_missing_document_is_404(world, web, case):
    web.login("a@firm-a.test")
    assert web.get("/documents/999999").status_code == 404


def test_store_is_outside_the_web_root_and_no_static_route_serves_it(app, world, web, case, store):
    doc = _uploaded(web, case)
    path = store / doc.sha256[:2] / doc.sha256[2:4] / doc.sha256
    assert path.is_file()
    static = Path(app.static_folder).resolve()
    assert static not in path.resolve().parents
    web.login("a@firm-a.test")
    rel = f"{doc.sha256[:2]}/{doc.sha256[2:4]}/{doc.sha256}"
    for url in (f"/static/{rel}", f"/static/documents/{rel}", f"/static/../documents/{rel}",
                f"/static/{os.path.relpath(path, static)}", f"/{rel}", sealed_url("document", rel)):
        resp = web.get(url)
        assert resp.status_code == 404, url
        assert resp.data != PDF


def test_service_refuses_without_storing(app, world, case, store):
    with pytest.raises(documents.UploadRejected) as err:
        documents.add_document(data=EXE, filename="x.pdf", classification="internal",
                               actor=world.applicant_a, case=case)
    assert str(err.value).startswith("Only PDF, PNG and JPEG files are accepted")
    assert count(Document) == 0 and events("document.upload") == 0
    doc = documents.add_case_document(case, data=JPEG, filename="../../etc/passwd.jpg",
                                      classification="public", actor=world.officer)
    assert (doc.filename, doc.firm_id, doc.classification) == ("passwd.jpg", None, "public")
