"""A batch's label sheet and code list: drawn in the request for a small batch, as a background
job with progress for a large one (``LABEL_SHEET_INLINE_MAX`` units; a sheet of 10,000 labels is
about 420 pages).  The job writes ``batch-<id>.pdf`` into ``LABEL_DIR`` (default: ``labels/`` in
the instance folder)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Response, current_app, send_file

from supervision.audit.services import record as audit
from supervision.extensions import db
from supervision.jobs import services as jobs
from supervision.jobs.models import Job, JobStatus
from supervision.units import labels
from supervision.units.models import Unit, UnitBatch
from workflows.base import N_

KIND = "units.labels"


def _rows(batch: UnitBatch):
    return db.session.execute(db.select(Unit.code, Unit.serial).filter_by(batch_id=batch.id)
                              .order_by(Unit.serial)).all()


def _names(batch: UnitBatch) -> tuple[str, str]:
    return batch.model.name, f"{batch.firm.name_zh} {batch.firm.name_en}"


def draw(batch: UnitBatch, progress=None) -> bytes:
    model, firm = _names(batch)
    return labels.label_sheet([code for code, _s in _rows(batch)], model=model, firm=firm,
                              base_url=current_app.config["PUBLIC_BASE_URL"], progress=progress)


def codes_csv(batch: UnitBatch) -> str:
    model, firm = _names(batch)
    return labels.label_csv(_rows(batch), model=model, firm=firm, base_url=current_app.config["PUBLIC_BASE_URL"])


def large(batch: UnitBatch) -> bool:
    return batch.size > current_app.config.get("LABEL_SHEET_INLINE_MAX", 240)


def start_if_large(batch: UnitBatch, *, actor) -> Job | None:
    """Queue the sheet of a large batch (it runs once the request has committed)."""
    if not large(batch):
        return None
    job = jobs.enqueue(KIND, {"batch_id": batch.id}, actor)
    batch.labels_job_id = job.id
    return job


def ready(batch: UnitBatch) -> bool:
    if not large(batch):
        return True
    job = batch.labels_job
    return job is not None and job.status == JobStatus.DONE.value and bool(job.result_path) \
        and os.path.isfile(job.result_path)


def response(batch: UnitBatch) -> Response | None:
    """The sheet to send, or None while its job has not finished."""
    name = f"batch-{batch.id}-labels.pdf"
    if not large(batch):
        return Response(draw(batch), mimetype="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename={name}"})
    if not ready(batch):
        return None
    return send_file(batch.labels_job.result_path, mimetype="application/pdf", as_attachment=True,
                     download_name=name)


def _run(job: Job, payload: dict, progress) -> jobs.JobResult:
    batch = db.session.get(UnitBatch, payload["batch_id"])
    pages = max((batch.size + 23) // 24, 1)
    progress(1, N_("Drawing the label sheet"))
    data = draw(batch, progress=lambda done: progress(done * 98 // batch.size, N_("Drawing the label sheet")))
    folder = Path(current_app.config.get("LABEL_DIR") or Path(current_app.instance_path) / "labels")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"batch-{batch.id}.pdf"
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    digest = hashlib.sha256(data).hexdigest()
    audit("units.labels_drawn", actor=None, actor_email="system", object_type="unit_batch", object_id=batch.id,
          details={"pages": pages, "sha256": digest, "job_id": job.id})
    return jobs.JobResult(str(path), digest, len(data))


jobs.register(jobs.JobKind(KIND, _run, audit_action="units.labels_started"))
