"""Prohibited zones (禁行区域): areas regulators close to every sandbox test, each valid for a
period.  A zone is never deleted: ending it sets ``valid_to``."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from supervision.core.timeutil import utcnow
from supervision.extensions import db


class ProhibitedZone(db.Model):
    __tablename__ = "prohibited_zones"
    __table_args__ = (CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    geometry: Mapped[dict] = mapped_column(JSON)          # one normalised MultiPolygon (WGS-84)
    valid_from: Mapped[dt.datetime]                       # UTC
    valid_to: Mapped[dt.datetime | None]                  # UTC, exclusive; None: until ended
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def valid_at(self, when: dt.datetime) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)
