"""The dossier export: one case's complete file as a BagIt ZIP that proves itself offline.

``start_export`` queues a job (audited as ``export.start`` in the case's own chain); the job
signs a checkpoint of the whole log and writes, under ``data/``:

    dossier.pdf           readable summary, timeline, decisions, documents and the audit trail
    case.json             the case as recorded (number, type, workflow, state, parties)
    events.jsonl          the case's audit events: the exact canonical bytes hashed, one a line
    proofs.json           an RFC 6962 inclusion proof of each event against the checkpoint
                          (the audit path as one hex string of concatenated 32-byte hashes)
    checkpoint.txt        the signed checkpoint (signed-note text)
    consistency.json      consistency proofs from every earlier published checkpoint
    workflow.json         the workflow table (name, version, states, transitions) for replay
    documents.json, attachments/<sha256>, decisions.json, decisions/<sha256>.pdf

``tools/verify_dossier.py`` checks all of it without the database.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale

from supervision.cases import types
from supervision.accounts.models import User
from supervision.audit.models import AuditEvent
from supervision.audit.services import record
from supervision.cases.models import Case
from supervision.core import uow
from supervision.core.timeutil import iso_z, utcnow
from supervision.documents import storage
from supervision.documents.models import Document
from supervision.dossiers import checkpoints, pdf
from supervision.dossiers.bagit import BagWriter
from supervision.dossiers.models import Checkpoint
from supervision.extensions import db
from supervision.jobs import services as jobs
from supervision.jobs.models import Job
from workflows.base import N_

KIND = "dossier.export"
MAX_CONSISTENCY = 500  # earlier checkpoints a dossier carries proofs from
# What the dossier needs of each event: the hashed bytes and what the PDF prints.
EVENT_COLUMNS = (AuditEvent.seq, AuditEvent.canonical, AuditEvent.hash, AuditEvent.created_at,
                 AuditEvent.action, AuditEvent.actor_email, AuditEvent.actor_roles, AuditEvent.workflow,
                 AuditEvent.trigger, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.reason,
                 AuditEvent.details)


def export_dir() -> Path:
    configured = current_app.config.get("EXPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "exports"


def start_export(case: Case, *, actor, lang: str = "zh") -> Job:
    """Queue the export of ``case``'s dossier; returns at once."""
    return jobs.enqueue(KIND, {"case_id": case.id, "lang": lang if lang in ("zh", "en") else "zh"},
                        actor, case=case)


def record_download(job: Job, *, actor) -> None:
    """A download of a dossier is itself an audit event of the case."""
    record("export.download", actor=actor, case=job.case, object_type="job", object_id=job.id,
           details={"job_id": job.id, "sha256": job.result_sha256})


def exports_of(case: Case) -> list[Job]:
    return list(db.session.execute(
        db.select(Job).where(Job.kind == KIND, Job.case_id == case.id).order_by(Job.id.desc())
    ).scalars())


# -- the job -------------------------------------------------------------------------------


def build(job: Job, payload: dict[str, Any], progress: jobs.Progress) -> jobs.JobResult:
    case = db.session.get(Case, payload["case_id"])
    if case is None:
        raise jobs.JobFailed(N_("The case no longer exists."))
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    folder = export_dir()
    for stale in folder.glob(f".partial-{job.id}-*"):  # left by a crashed earlier attempt
        stale.unlink(missing_ok=True)

    progress(5, N_("Signing a checkpoint of the audit log"))
    cp, tree = _checkpoint_covering(case)
    # Column rows, not ORM objects: the trail is read once and never changed here.
    events = db.session.execute(
        db.select(*EVENT_COLUMNS).where(AuditEvent.case_id == case.id, AuditEvent.seq <= cp.tree_size)
        .order_by(AuditEvent.seq)).all()
    progress(15, N_("Computing inclusion proofs"))
    # Each audit path is one hex string: its 32-byte hashes concatenated, leaf to root.
    proofs = [{"seq": ev.seq, "leaf_index": ev.seq - 1,
               "path": b"".join(tree.inclusion_proof(ev.seq - 1, cp.tree_size)).hex()}
              for ev in events]
    earlier = db.session.execute(
        db.select(Checkpoint.tree_size, Checkpoint.root_hash).where(Checkpoint.tree_size < cp.tree_size)
        .order_by(Checkpoint.tree_size.desc()).limit(MAX_CONSISTENCY)).all()
    consistency = [{"tree_size": e.tree_size, "root_hash": e.root_hash,
                    "proof": [h.hex() for h in tree.consistency_proof(e.tree_size, cp.tree_size)]}
                   for e in reversed(earlier)]
    del tree  # the whole log's tree is not needed while the PDF is rendered
    docs, decisions = _documents(case)
    wf = types.workflow(case.case_type)
    exported_at = utcnow()
    summary = _case_json(case, job, cp, exported_at, actor)

    writer = BagWriter(folder, f"dossier-{case.number or case.id}-job{job.id}-{job.attempts}.zip",
                       prefix=f".partial-{job.id}-")
    try:
        progress(25, N_("Rendering the PDF"))
        with force_locale(payload.get("lang", "zh")):
            pdf_bytes = pdf.render(case=case, summary=summary, events=events, documents=docs,
                                   decisions=decisions, checkpoint=cp, wf=wf,
                                   progress=lambda f: progress(25 + int(55 * f), N_("Rendering the PDF")))
        progress(80, N_("Writing the archive"))
        writer.add("dossier.pdf", pdf_bytes, compress=False)
        writer.add("case.json", _json(summary))
        writer.add("events.jsonl", b"".join(ev.canonical.encode("utf-8") + b"\n" for ev in events))
        writer.add("proofs.json", _json({"tree_size": cp.tree_size, "root_hash": cp.root_hash,
                                         "proofs": proofs}))
        writer.add("checkpoint.txt", cp.note.encode("utf-8"))
        writer.add("consistency.json", _json(consistency))
        writer.add("workflow.json", _json(workflow_table(wf)))
        writer.add("documents.json", _json([d["meta"] for d in docs]))
        writer.add("decisions.json", _json([d["meta"] for d in decisions]))
        # One file per hash: the same bytes uploaded twice are stored once.
        for path in dict.fromkeys(e["meta"]["path"] for e in docs + decisions):
            writer.add(path, storage.read(Path(path).name.split(".")[0]), compress=False)
        progress(95, N_("Writing the archive"))
        path, digest, size = writer.finish({
            "Source-Organization": case.department.name_zh,
            "External-Identifier": f"job-{job.id}",
            "External-Description": f"Dossier of case {case.number}",
            "Bagging-Date": exported_at.date().isoformat(),
            "Bag-Software-Agent": "supervision dossier export",
            "Checkpoint-Tree-Size": str(cp.tree_size),
        })
    except BaseException:
        writer.abort()
        raise
    record("export.done", actor=actor, case=case, object_type="job", object_id=job.id,
           details={"job_id": job.id, "sha256": digest, "size": size, "tree_size": cp.tree_size})
    return jobs.JobResult(str(path), digest, size)  # the runner commits the event with the job's result


def _checkpoint_covering(case: Case):
    """A checkpoint that holds every event of the case so far, so the recorded state and the
    events in the dossier agree even if the case moves while the export runs.

    Each checkpoint is committed at once, in a unit of work of its own inside the job's (which
    has written nothing yet): signing holds the checkpoint writers' lock until its transaction
    ends, and the rest of the export takes long.  A signed checkpoint stands on its own, so an
    export that fails later leaves nothing half-written."""
    for _attempt in range(5):
        with uow.unit_of_work():
            cp, tree = checkpoints.make_checkpoint()
        db.session.refresh(case)
        newer = db.session.execute(db.select(AuditEvent.seq).where(
            AuditEvent.case_id == case.id, AuditEvent.seq > cp.tree_size).limit(1)).scalar()
        if newer is None:
            return cp, tree
    raise jobs.JobFailed(N_("The case kept changing during the export. Try again."))


def _on_failure(job: Job, err: BaseException) -> None:
    case = db.session.get(Case, job.case_id) if job and job.case_id else None
    actor = db.session.get(User, job.created_by_id) if job and job.created_by_id else None
    record("export.failed", actor=actor, case=case, object_type="job", object_id=job.id,
           details={"job_id": job.id, "error": type(err).__name__})


jobs.register(jobs.JobKind(KIND, build, audit_action="export.start", on_failure=_on_failure))


def _json(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def workflow_table(wf) -> dict[str, Any]:
    return {
        "name": wf.name, "version": wf.version, "initial": wf.initial,
        "states": [{"name": s.name, "final": s.final} for s in wf.states.values()],
        "transitions": [{"trigger": t.trigger, "source": list(t.source), "dest": t.dest,
                         "roles": sorted(t.roles)} for t in wf.transitions],
    }


def _org(org) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.id, "name_zh": org.name_zh, "name_en": org.name_en,
            "credit_code": getattr(org, "credit_code", None)}


def _case_json(case: Case, job: Job, cp: Checkpoint, exported_at, actor) -> dict[str, Any]:
    return {
        "id": case.id, "number": case.number, "title": case.title, "case_type": case.case_type,
        "workflow": case.case_type, "workflow_version": case.workflow_version, "state": case.state,
        "firm": _org(case.firm), "department": _org(case.department),
        "created_at": iso_z(case.created_at), "exported_at": iso_z(exported_at),
        "exported_by": actor.email if actor is not None else None,
        "export_job": job.id, "checkpoint_tree_size": cp.tree_size,
    }


def _documents(case: Case) -> tuple[list[dict], list[dict]]:
    """The case's files: decisions (if that domain is installed) and all other documents."""
    decision_rows, decision_doc_ids = [], set()
    try:
        from supervision.decisions.models import Decision
    except ImportError:  # pragma: no cover - decisions are part of the app
        Decision = None
    if Decision is not None:
        for d in db.session.execute(db.select(Decision).where(Decision.case_id == case.id)
                                    .order_by(Decision.id)).scalars():
            decision_doc_ids.add(d.document_id)
            decision_rows.append({"row": d, "meta": {
                "id": d.id, "number": d.number, "kind": d.kind, "status": d.status,
                "language": d.language, "issued_at": iso_z(d.issued_at), "sha256": d.pdf_sha256,
                "snapshot_sha256": d.snapshot_sha256, "path": f"decisions/{d.pdf_sha256}.pdf"}})
    docs = []
    for doc in db.session.execute(db.select(Document).where(Document.case_id == case.id)
                                  .order_by(Document.id)).scalars():
        if doc.id in decision_doc_ids:
            continue
        docs.append({"row": doc, "meta": {
            "id": doc.id, "filename": doc.filename, "sha256": doc.sha256, "size": doc.size,
            "content_type": doc.content_type, "classification": doc.classification,
            "kind": doc.kind, "created_at": iso_z(doc.created_at),
            "path": f"attachments/{doc.sha256}"}})
    return docs, decision_rows
