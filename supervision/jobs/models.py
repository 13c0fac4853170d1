"""The job table: one row per piece of background work, its progress and its result."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_


class JobStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


STATUS_LABELS = {
    "queued": N_("Queued"),
    "running": N_("Running"),
    "done": N_("Done"),
    "failed": N_("Failed"),
}


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint("status != 'done' OR result_path IS NOT NULL", name="done_has_result"),
        CheckConstraint("attempts >= 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED.value, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(Text)     # N_-marked text or an error summary
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON arguments of the job
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # The finished file (complete and renamed into place) and its hash; None until done.
    result_path: Mapped[str | None] = mapped_column(String(500))
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    result_size: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

    created_by = relationship("User")
    case = relationship("Case")

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE.value, JobStatus.FAILED.value)
