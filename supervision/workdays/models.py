"""The official calendar as data: per year, the days that differ from the Mon-Fri rule."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from supervision.core.timeutil import utcnow
from supervision.extensions import db


class CalendarYear(db.Model):
    """A year whose official arrangement is known (seeded from chinese-calendar or by an admin).

    Years without a row are estimated: weekends plus ``holidays.China``, no make-up days.
    """

    __tablename__ = "calendar_years"
    __table_args__ = (CheckConstraint("source IN ('official', 'admin')", name="source"),)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200))
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CalendarDay(db.Model):
    """A public holiday (not a working day) or a make-up working day on a weekend."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str | None] = mapped_column(String(64))
