"""Change and renewal applications on a registration (``workflows.registration_change``).

One row per application case: which registration it asks about and, for a change, the proposed
particulars as a frozen ``ModelVersion`` beside the proposed name.  What was registered stays
recorded (``previous_*``); a grant points the registration at the new version (the public register
shows it from then on), a renewal grant records the new end of the term on the registration.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.registry.models import ModelVersion, Registration


class ChangeApplication(db.Model):
    __tablename__ = "change_applications"
    __table_args__ = (
        CheckConstraint("kind IN ('change', 'renewal')", name="kind"),
        CheckConstraint("(kind = 'change') = (version_id IS NOT NULL AND name IS NOT NULL)", name="change_has_particulars"),
        CheckConstraint("applied_at IS NULL OR kind = 'change' OR new_expires_on IS NOT NULL", name="renewal_has_term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(120))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id"))
    previous_name: Mapped[str] = mapped_column(String(120))
    previous_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    previous_expires_on: Mapped[dt.date | None]
    new_expires_on: Mapped[dt.date | None]
    applied_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case = relationship("Case")
    registration: Mapped[Registration] = relationship()
    version: Mapped[ModelVersion | None] = relationship(foreign_keys=[version_id])
    previous_version: Mapped[ModelVersion] = relationship(foreign_keys=[previous_version_id])
