"""Accepting uploads (type checked by content, size limit) and recording downloads.

Nothing is stored when an upload is rejected: the checks run before the bytes reach the store
and before any row or audit event is added, so a caller that answers a refusal with a redirect
(which commits) leaves nothing behind.  The functions flush; the unit of work commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import filetype
from flask import current_app

from supervision.audit.services import record
from supervision.core.i18n import label
from supervision.documents import storage
from supervision.documents.models import Classification, Document
from supervision.extensions import db
from workflows.base import N_

# What a firm or officer may upload: checked on the bytes, not the name or the browser's claim.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
CLASSIFICATIONS = frozenset(c.value for c in Classification)


@dataclass
class UploadRejected(Exception):
    """Why an upload was refused: ``message`` is N_-marked, ``params`` fill it in."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)
    status: int = 422  # 507: the store is full

    def user_message(self) -> str:
        """The reason in the user's language (needs a request or app context)."""
        return label(self.message) % self.params if self.params else label(self.message)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


def human_size(n: int) -> str:
    """1536 -> '1.5 KB'; 20971520 -> '20 MB' (units are the same in Chinese)."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{n} B"


def upload_limit() -> int:
    return int(current_app.config["MAX_UPLOAD_BYTES"])


def sniff(data: bytes) -> str | None:
    """The media type of ``data`` if it is one we accept, judged by its content."""
    kind = filetype.guess(data)
    if kind is not None and kind.mime in ALLOWED:
        return kind.mime
    return None


def check_upload(data: bytes, classification: str) -> str:
    """The media type of an acceptable upload; raises ``UploadRejected`` otherwise."""
    limit = upload_limit()
    if not data:
        raise UploadRejected(N_("The file is empty."))
    if len(data) > limit:
        raise UploadRejected(N_("The file is larger than the limit of %(limit)s."),
                             {"limit": human_size(limit)})
    mime = sniff(data)
    if mime is None:
        raise UploadRejected(N_("Only PDF, PNG and JPEG files are accepted; the content of this file is none of them."))
    if classification not in CLASSIFICATIONS:
        raise UploadRejected(N_("Choose a classification."))
    return mime


def add_document(*, data: bytes, filename: str, classification: str, actor, case=None,
                 firm_id: int | None = None, kind: str = "upload") -> Document:
    """Store an upload; raise ``UploadRejected`` (nothing stored) when it is not acceptable."""
    mime = check_upload(data, classification)
    if kind == "upload":
        check_quota(len(data), actor=actor, firm_id=firm_id)
    safe_name = _safe_filename(filename, ALLOWED[mime])
    try:
        digest = storage.put(data)
    except storage.StoreFull:
        raise UploadRejected(N_("The document store is full; nothing was saved. Try again later; "
                                "the administrators have been told."), status=507) from None
    doc = Document(sha256=digest, filename=safe_name, content_type=mime, size=len(data),
                   classification=classification, case_id=case.id if case is not None else None,
                   firm_id=firm_id, uploaded_by_id=actor.id if actor is not None else None, kind=kind)
    db.session.add(doc)
    db.session.flush()
    record("document.upload", actor=actor, case=case, object_type="document", object_id=doc.id,
           details={"sha256": digest, "filename": safe_name, "size": len(data),
                    "classification": classification})
    return doc


def check_quota(size: int, *, actor, firm_id: int | None) -> None:
    """Refuse an upload over the uploader's or the firm's quota (``UPLOAD_QUOTA_*``: number of
    files and bytes; 0 = no limit).  Files already stored are never affected."""
    config = current_app.config
    scopes = []
    if actor is not None and getattr(actor, "id", None):
        scopes.append((Document.uploaded_by_id == actor.id, config["UPLOAD_QUOTA_USER_FILES"],
                       config["UPLOAD_QUOTA_USER_BYTES"],
                       N_("You have reached your upload quota (%(files)s files, %(size)s). Ask an administrator to raise it.")))
    if firm_id is not None:
        scopes.append((Document.firm_id == firm_id, config["UPLOAD_QUOTA_FIRM_FILES"],
                       config["UPLOAD_QUOTA_FIRM_BYTES"],
                       N_("Your firm has reached its upload quota (%(files)s files, %(size)s). Ask the department to raise it.")))
    for condition, max_files, max_bytes, message in scopes:
        if not (max_files or max_bytes):
            continue
        files, used = db.session.execute(
            db.select(db.func.count(Document.id), db.func.coalesce(db.func.sum(Document.size), 0))
            .where(condition, Document.kind == "upload")).one()
        if (max_files and files + 1 > max_files) or (max_bytes and used + size > max_bytes):
            raise UploadRejected(message, {"files": max_files or "∞",
                                           "size": human_size(max_bytes) if max_bytes else "∞"})


def add_case_document(case, *, data: bytes, filename: str, classification: str, actor) -> Document:
    """An upload to a case: the firm's own uploads carry the firm (so it sees them again);
    a regulator's upload is a working paper the firm does not see."""
    firm_id = case.firm_id if actor.organisation_id == case.firm_id else None
    return add_document(data=data, filename=filename, classification=classification, actor=actor,
                        case=case, firm_id=firm_id)


def _safe_filename(name: str, ext: str) -> str:
    base = "".join(c for c in (name or "").replace("\\", "/").split("/")[-1] if c.isprintable())
    base = base.strip().strip(".")[:200] or "document"
    if not base.lower().endswith(ext) and not (ext == ".jpg" and base.lower().endswith(".jpeg")):
        base += ext
    return base


def record_download(doc: Document, *, actor) -> None:
    """Every download is an audit event (the request commits it before the bytes are sent)."""
    record("document.download", actor=actor, case=doc.case, object_type="document",
           object_id=doc.id, details={"sha256": doc.sha256})
