"""Loading the calendar (cached per change) and seeding or extending it."""
from __future__ import annotations

import datetime as dt
import threading
from typing import Iterable

from sqlalchemy import func

from supervision.extensions import db
from supervision.workdays.calendar import WorkCalendar
from supervision.workdays.models import CalendarDay, CalendarYear

_cache: dict[str, object] = {}
_lock = threading.Lock()


def current_calendar() -> WorkCalendar:
    """The calendar as stored; reloaded when a year was added or changed (one cheap query)."""
    stamp = db.session.execute(
        db.select(func.count(CalendarYear.year), func.max(CalendarYear.loaded_at))
    ).one()
    key = (db.engine.url.render_as_string(hide_password=True), tuple(stamp))
    with _lock:
        if _cache.get("key") == key:
            return _cache["calendar"]  # type: ignore[return-value]
    years = set(db.session.execute(db.select(CalendarYear.year)).scalars())
    days = dict(db.session.execute(db.select(CalendarDay.day, CalendarDay.is_workday)).all())
    cal = WorkCalendar(years, days)
    with _lock:
        _cache.update(key=key, calendar=cal)
    return cal


def official_seed() -> tuple[list[int], list[dict]]:
    """Years and exception days known to the ``chinese-calendar`` package."""
    from chinese_calendar import constants

    rows: dict[dt.date, dict] = {}
    for day, name in constants.holidays.items():
        rows[day] = {"day": day, "is_workday": False, "name": getattr(name, "value", str(name))[:64]}
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:
            rows[day] = {"day": day, "is_workday": True, "name": getattr(name, "value", str(name))[:64]}
    years = sorted({d.year for d in rows})
    return years, sorted(rows.values(), key=lambda r: r["day"])


def set_year(year: int, *, holidays: Iterable[dt.date], makeup_workdays: Iterable[dt.date],
             actor, note: str | None = None) -> CalendarYear:
    """Record the official arrangement of ``year`` (published by the State Council)."""
    from supervision.audit.services import record

    holidays, makeup_workdays = sorted(set(holidays)), sorted(set(makeup_workdays))
    for d in (*holidays, *makeup_workdays):
        if d.year != year:
            raise ValueError(d)
    db.session.execute(db.delete(CalendarDay).where(
        CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31)))
    for d in holidays:
        db.session.add(CalendarDay(day=d, is_workday=False, name="holiday"))
    for d in makeup_workdays:
        db.session.add(CalendarDay(day=d, is_workday=True, name="makeup"))
    row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
    row.source, row.note = "admin", note
    from supervision.core.timeutil import utcnow

    row.loaded_at = utcnow()
    db.session.add(row)
    record("calendar.set_year", actor=actor, object_type="calendar_year", object_id=year,
           details={"holidays": [d.isoformat() for d in holidays],
                    "makeup_workdays": [d.isoformat() for d in makeup_workdays]}, reason=note)
    db.session.commit()
    return row
