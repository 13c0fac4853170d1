"""Formal decisions and notices (决定书/通知书) and their gap-free number counters."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import Organisation, User
from supervision.core.timeutil import utcnow
from supervision.documents.models import Document
from supervision.extensions import db
from workflows.base import N_


class DecisionStatus(str, enum.Enum):
    ISSUED = "issued"          # stands
    REVOKED = "revoked"        # 吊销: taken away as a penalty
    RESCINDED = "rescinded"    # 撤销: the act itself was unlawful
    SUPERSEDED = "superseded"  # replaced or ended by a later decision
    SET_ASIDE = "set_aside"    # set aside by a reconsideration body or a court (``outcomes``)


STATUS_LABELS = {
    "issued": N_("In force"),
    "revoked": N_("Revoked"),
    "rescinded": N_("Rescinded"),
    "superseded": N_("Superseded"),
    "set_aside": N_("Set aside on reconsideration or by a court"),
}


class Decision(db.Model):
    """One issued act.  Its signed PDF is stored once and never regenerated."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("status IN ('issued', 'revoked', 'rescinded', 'superseded', 'set_aside')", name="status"),
        CheckConstraint("language IN ('zh', 'en')", name="language"),
        CheckConstraint("serial >= 1", name="serial_positive"),
        UniqueConstraint("department_id", "kind", "year", "serial", name="uq_decision_serial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    serial: Mapped[int]
    year: Mapped[int]
    department_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="zh")
    # The canonical JSON (RFC 8785) of what was decided on, and its SHA-256.
    snapshot: Mapped[str] = mapped_column(Text)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=DecisionStatus.ISSUED.value)
    status_changed_at: Mapped[dt.datetime | None]
    status_changed_by_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case = relationship("Case")
    department: Mapped[Organisation] = relationship(foreign_keys=[department_id])
    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    @property
    def stands(self) -> bool:
        return self.status == DecisionStatus.ISSUED.value

    def __repr__(self) -> str:
        return f"<Decision {self.number} {self.kind} {self.status}>"


class DocumentCounter(db.Model):
    """The last serial used per department, kind and year; locked while a number is taken."""

    __tablename__ = "document_counters"
    __table_args__ = (
        UniqueConstraint("department_id", "kind", "year", name="uq_document_counter"),
        CheckConstraint("last_serial >= 0", name="last_serial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(48))
    year: Mapped[int]
    last_serial: Mapped[int] = mapped_column(default=0)
