"""Document metadata; the bytes live in the content-addressed store."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_


class Classification(str, enum.Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"


CLASSIFICATION_LABELS = {
    "public": N_("Public (公开)"),
    "internal": N_("Internal (内部)"),
    "confidential": N_("Confidential (敏感)"),
}


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("classification IN ('public', 'internal', 'confidential')", name="classification"),
        CheckConstraint("size >= 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"))
    classification: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # The firm the document belongs to or is addressed to; None for regulators' working papers.
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="upload")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case = relationship("Case")
    uploaded_by = relationship("User")
