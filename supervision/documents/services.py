"""Accepting uploads (type checked by content, size limit) and recording downloads."""
from __future__ import annotations

from dataclasses import dataclass

import filetype
from flask import current_app

from supervision.audit.services import record
from supervision.documents import storage
from supervision.documents.models import Document
from supervision.extensions import db
from workflows.base import N_

# What a firm or officer may upload: checked on the bytes, not the name or the browser's claim.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}


@dataclass
class UploadRejected(Exception):
    message: str  # N_-marked; translated by the view


def sniff(data: bytes) -> str | None:
    kind = filetype.guess(data)
    if kind is not None and kind.mime in ALLOWED:
        return kind.mime
    return None


def add_document(*, data: bytes, filename: str, classification: str, actor, case=None,
                 firm_id: int | None = None, kind: str = "upload", commit: bool = True) -> Document:
    """Store an upload; raise ``UploadRejected`` (nothing stored) when it is not acceptable."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if not data:
        raise UploadRejected(N_("The file is empty."))
    if len(data) > limit:
        raise UploadRejected(N_("The file is larger than the limit of %(mb)s MB."))
    mime = sniff(data)
    if mime is None:
        raise UploadRejected(N_("Only PDF, PNG and JPEG files are accepted."))
    if classification not in ("public", "internal", "confidential"):
        raise UploadRejected(N_("Choose a classification."))
    safe_name = _safe_filename(filename, ALLOWED[mime])
    digest = storage.put(data)
    doc = Document(sha256=digest, filename=safe_name, content_type=mime, size=len(data),
                   classification=classification, case_id=case.id if case is not None else None,
                   firm_id=firm_id, uploaded_by_id=actor.id if actor is not None else None, kind=kind)
    db.session.add(doc)
    db.session.flush()
    record("document.upload", actor=actor, case=case, object_type="document", object_id=doc.id,
           details={"sha256": digest, "filename": safe_name, "size": len(data),
                    "classification": classification})
    if commit:
        db.session.commit()
    return doc


def _safe_filename(name: str, ext: str) -> str:
    base = "".join(c for c in (name or "").replace("\\", "/").split("/")[-1] if c.isprintable())
    base = base.strip().strip(".")[:200] or "document"
    if not base.lower().endswith(ext) and not (ext == ".jpg" and base.lower().endswith(".jpeg")):
        base += ext
    return base


def record_download(doc: Document, *, actor) -> None:
    record("document.download", actor=actor, case=doc.case, object_type="document",
           object_id=doc.id, details={"sha256": doc.sha256})
    db.session.commit()
