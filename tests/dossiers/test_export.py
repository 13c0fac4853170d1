"""Exporting a case's dossier: a job started from the case, progress, the BagIt ZIP and its
contents, crash safety and retry, and who may export."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from pypdf import PdfReader

from supervision.audit.models import AuditEvent
from supervision.core import uow
from supervision.dossiers import export
from supervision.extensions import db
from supervision.jobs import runners
from supervision.jobs.models import Job
from tests.cases.conftest import sign_in
from tests.dossiers.conftest import build_history, verifier_key_file
from tests.conftest import sealed_url

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_verifier(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, os.path.join(ROOT, "tools", "verify_dossier.py"), *args],
                          capture_output=True, text=True, timeout=120)


def download(web, job_id: int) -> bytes:
    resp = web.get(sealed_url("dossier", job_id, "/download"))
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    data = resp.get_data()
    resp.close()
    return data


def start_export(case, **kw) -> Job:
    """Start an export as the dossier page does: the job runs once the start is committed."""
    with uow.unit_of_work():
        return export.start_export(case, **kw)


def export_via_web(app, web, case, email="auditor@t.test"):
    sign_in(web, email)
    start = web.post(f"/cases/{case.id}/dossiers", token_from=f"/cases/{case.id}/dossiers")
    assert start.status_code == 303
    job_url = start.headers["Location"]
    assert runners.drain(app, 120)
    return job_url


def test_an_auditor_exports_a_dossier_that_verifies_offline(app, world, web, dossier_env, complete_applications, tmp_path):
    case = build_history(world)
    job_url = export_via_web(app, web, case)
    page = web.get(job_url).get_data(as_text=True)
    assert 'data-status="done"' in page and "Download dossier" in page
    job = db.session.execute(db.select(Job)).scalar_one()
    data = download(web, job.id)
    path = tmp_path / "dossier.zip"
    path.write_bytes(data)

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
                "data/dossier.pdf", "data/events.jsonl", "data/proofs.json", "data/checkpoint.txt",
                "data/workflow.json", "data/case.json"} <= names
        lines = zf.read("data/events.jsonl").splitlines()
        case_json = json.loads(zf.read("data/case.json"))
        docs = json.loads(zf.read("data/documents.json"))
        pdf = PdfReader(io.BytesIO(zf.read("data/dossier.pdf")))
        pdf_text = "".join(p.extract_text() for p in pdf.pages)
    stored = db.session.execute(db.select(AuditEvent.canonical).where(AuditEvent.case_id == case.id)
                                .order_by(AuditEvent.seq)).scalars().all()
    # The exact bytes hashed, one a line: every case event up to the export's own start event.
    assert [ln.decode() for ln in lines] == stored[:len(lines)]
    assert json.loads(lines[-1])["action"] == "export.start"
    assert case_json["state"] == "refused" and case_json["number"] == case.number
    assert sorted(d["filename"] for d in docs) == ["photo.png", "plan.pdf"]
    assert all(f"data/attachments/{d['sha256']}" in names for d in docs)
    assert case.number in pdf_text and stored and json.loads(stored[0])["action"] == "case.create"
    for line in lines:
        assert json.loads(line)["seq"] and __import__("hashlib").sha256(line).hexdigest() in pdf_text.replace("\n", "")

    result = run_verifier(str(path), "--public-key", verifier_key_file(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED" in result.stdout and f"{len(lines)} events" in result.stdout
    assert "reaches 'refused'" in result.stdout

    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                 .order_by(AuditEvent.seq)).scalars().all()
    assert actions[-3:] == ["export.start", "export.done", "export.download"]


def test_the_start_request_returns_before_the_job_runs(app, world, web, dossier_env, complete_applications, monkeypatch):
    case = build_history(world, rounds=0, refuse=False)
    dispatched = []
    monkeypatch.setattr(runners, "dispatch", lambda job_id: dispatched.append(job_id))
    sign_in(web, "auditor@t.test")
    resp = web.post(f"/cases/{case.id}/dossiers", token_from=f"/cases/{case.id}/dossiers")
    assert resp.status_code == 303
    job = db.session.execute(db.select(Job)).scalar_one()
    assert dispatched == [job.id] and job.status == "queued"
    page = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in page and "Download dossier" not in page
    assert web.get(sealed_url("dossier", job.id, "/download")).status_code == 404


def test_an_officer_of_the_department_may_export_others_may_not(app, world, web, dossier_env, complete_applications):
    case = build_history(world, rounds=0, refuse=False)
    job_url = export_via_web(app, web, case, email="officer@t.test")
    assert 'data-status="done"' in web.get(job_url).get_data(as_text=True)
    web.post("/logout", token_from="/cases")
    for email, status in (("other@t.test", 403), ("approver@t.test", 403), ("a@firm-a.test", 403)):
        sign_in(web, email)
        assert web.post(f"/cases/{case.id}/dossiers", token_from="/cases").status_code == status, email
        assert web.get(job_url).status_code in (403, 404), email
        web.post("/logout", token_from="/cases")
    assert db.session.execute(db.select(db.func.count(Job.id))).scalar() == 1


def test_the_case_page_offers_the_export_to_those_who_may(app, world, web, dossier_env, complete_applications):
    case = build_history(world, rounds=0, refuse=False)
    sign_in(web, "auditor@t.test")
    assert f"/cases/{case.id}/dossiers" in web.get(f"/cases/{case.id}").get_data(as_text=True)
    web.post("/logout", token_from="/cases")
    sign_in(web, "a@firm-a.test")
    assert f"/cases/{case.id}/dossiers" not in web.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_crash_leaves_nothing_downloadable_and_a_retry_produces_a_correct_dossier(
        app, world, web, dossier_env, complete_applications, monkeypatch, tmp_path):
    case = build_history(world, rounds=1)
    from supervision.dossiers import bagit

    real_add = bagit.BagWriter.add

    def crash_midway(self, relpath, data, **kw):
        if relpath.startswith("attachments/"):
            raise OSError("disk pulled out")
        return real_add(self, relpath, data, **kw)

    monkeypatch.setattr(bagit.BagWriter, "add", crash_midway)
    job_url = export_via_web(app, web, case)
    job = db.session.execute(db.select(Job)).scalar_one()
    page = web.get(job_url).get_data(as_text=True)
    assert job.status == "failed" and job.result_path is None
    assert "Retry the export" in page and "Download dossier" not in page
    assert web.get(sealed_url("dossier", job.id, "/download")).status_code == 404
    assert os.listdir(dossier_env / "exports") == []   # the partial file was removed

    monkeypatch.setattr(bagit.BagWriter, "add", real_add)
    resp = web.post(sealed_url("dossier", job.id, "/retry"), token_from=job_url)
    assert resp.status_code == 303
    assert runners.drain(app, 120)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts) == ("done", 2)
    path = tmp_path / "retried.zip"
    path.write_bytes(download(web, job.id))
    result = run_verifier(str(path), "--public-key", verifier_key_file(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                 .order_by(AuditEvent.seq)).scalars().all()
    assert actions[-4:] == ["export.start", "export.failed", "job.retry", "export.done"] or \
        actions[-5:-1] == ["export.start", "export.failed", "job.retry", "export.done"]


def test_a_file_renamed_into_place_is_only_served_once_the_job_is_done(app, world, dossier_env, complete_applications):
    case = build_history(world, rounds=0, refuse=False)
    job = start_export(case, actor=world.auditor)
    assert runners.drain(app, 120)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    files = os.listdir(dossier_env / "exports")
    assert files == [os.path.basename(job.result_path)] and not files[0].startswith(".partial")


def test_the_pdf_embeds_the_simplified_chinese_face_and_renders_with_harfbuzz(
        app, world, dossier_env, complete_applications, caplog, tmp_path):
    import logging

    caplog.set_level(logging.WARNING)
    case = build_history(world, rounds=0, refuse=False)
    job = start_export(case, actor=world.auditor, lang="zh")
    assert runners.drain(app, 120)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    with zipfile.ZipFile(job.result_path) as zf:
        pdf_path = tmp_path / "dossier.pdf"
        pdf_path.write_bytes(zf.read("data/dossier.pdf"))
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all("CJK-SC" in line and " yes yes yes " in line for line in cjk), fonts
    assert "Using fontTools instead of HarfBuzz-Subset" not in caplog.text
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    # The summary and the audit trail are joined and their page numbers run on ("— 1 —", "— 2 —").
    assert "巡检机器人 X1" in text and "—1—" in text.replace(" ", "") and "—2—" in text.replace(" ", "")


def test_bad_requests_change_nothing_and_answer_clearly(app, world, web, dossier_env, complete_applications):
    case = build_history(world, rounds=0, refuse=False)
    job = start_export(case, actor=world.auditor)
    assert runners.drain(app, 120)
    sign_in(web, "auditor@t.test")
    # Retrying an export that succeeded is refused with a message.
    resp = web.post(sealed_url("dossier", job.id, "/retry"), token_from=sealed_url("dossier", job.id))
    page = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Only a failed or stalled job can be retried." in page
    db.session.expire_all()
    assert db.session.get(Job, job.id).attempts == 1
    # Unknown objects are 404; a POST without a CSRF token is 400 and starts nothing.
    assert web.get("/dossiers/999999").status_code == 404
    assert web.get("/cases/999999/dossiers").status_code == 404
    assert web.client.post(f"/cases/{case.id}/dossiers", data={}).status_code == 400
    assert db.session.execute(db.select(db.func.count(Job.id))).scalar() == 1


def test_a_long_history_is_printed_in_parts_whole_and_numbered_on(
        app, world, dossier_env, complete_applications, monkeypatch, tmp_path):
    from supervision.dossiers import pdf

    monkeypatch.setattr(pdf, "PART_SIZE", 8)  # parts of 8 rows stand for parts of 500
    case = build_history(world, rounds=10)
    job = start_export(case, actor=world.auditor, lang="en")
    assert runners.drain(app, 120)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    with zipfile.ZipFile(job.result_path) as zf:
        lines = zf.read("data/events.jsonl").splitlines()
        pdf_path = tmp_path / "dossier.pdf"
        pdf_path.write_bytes(zf.read("data/dossier.pdf"))
    events = [json.loads(line) for line in lines]
    transitions = [e for e in events if e["trigger"]]
    trail_parts, timeline_parts = -(-len(events) // 8), -(-len(transitions) // 8)
    assert trail_parts >= 4 and timeline_parts >= 3
    pages = [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf_path), "-"],
                            capture_output=True, text=True, check=True).stdout
             for n in range(1, len(PdfReader(str(pdf_path)).pages) + 1)]
    text = "".join(pages)
    # Every page carries its number, running on across all the joined parts.
    assert all(f"—{n}—" in page.replace(" ", "") for n, page in enumerate(pages, start=1))
    assert f"Audit trail — {case.number} (part {trail_parts} of {trail_parts})" in text
    assert f"Timeline — {case.number} (part {timeline_parts} of {timeline_parts})" in text
    # Each event with its hash in the trail; each transition on the timeline, with its reason.
    for e, line in zip(events, lines):
        assert f"#{e['seq']} · " in text and hashlib.sha256(line).hexdigest() in text.replace("\n", "")
    assert text.count("Request clarification") >= 2 * 10   # timeline and trail
    assert "问题 9" in text and "不符合要求" in text
    # Regular faces only (each face used costs a copy of its font file while a part is written).
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    assert "Bold" not in fonts and "Noto-Serif-CJK-SC" in fonts
