"""Loading the calendar (cached until the tables change) and seeding or extending it.

The cache is keyed by a stamp read from the database (number of official years and the latest
``loaded_at``), so every process reloads as soon as any process adds or changes a year.
``set_year`` keeps that stamp strictly increasing even when the clock stands still.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import func

from supervision.audit.services import record
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.workdays.calendar import WorkCalendar
from supervision.workdays.models import CalendarDay, CalendarYear
from supervision.workdays.signals import calendar_changed
from workflows.base import N_

# Years an administrator may enter: the platform's era, with room for the years ahead.
MIN_YEAR, MAX_YEAR = 2000, 2100

_cache: dict[str, Any] = {}
_lock = threading.Lock()


@dataclass
class CalendarError(Exception):
    """The arrangement cannot be recorded; ``message`` is N_-marked, ``params`` fill it in."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


def _stamp() -> tuple:
    count, latest = db.session.execute(
        db.select(func.count(CalendarYear.year), func.max(CalendarYear.loaded_at))
    ).one()
    return count, latest


def current_calendar() -> WorkCalendar:
    """The calendar as stored; reloaded when a year was added or changed (one cheap query)."""
    key = (db.engine.url.render_as_string(hide_password=True), _stamp())
    with _lock:
        if _cache.get("key") == key:
            return _cache["calendar"]
    cal = _load_calendar()
    with _lock:
        _cache.update(key=key, calendar=cal)
    return cal


def _load_calendar() -> WorkCalendar:
    years = set(db.session.execute(db.select(CalendarYear.year)).scalars())
    days = dict(db.session.execute(db.select(CalendarDay.day, CalendarDay.is_workday)).all())
    return WorkCalendar(years, days)


@dataclass(frozen=True)
class YearSummary:
    year: int
    source: str | None          # 'official', 'admin' or None (estimated)
    note: str | None
    holidays: int
    makeup_workdays: int


def year_summaries(*, ahead: int = 1) -> list[YearSummary]:
    """Every stored year, newest first, plus the estimated years up to ``ahead`` years from now."""
    counts: dict[int, list[int]] = {}
    for day, is_workday in db.session.execute(db.select(CalendarDay.day, CalendarDay.is_workday)):
        counts.setdefault(day.year, [0, 0])[1 if is_workday else 0] += 1
    stored = {row.year: row for row in db.session.execute(db.select(CalendarYear)).scalars()}
    last = max((*stored, utcnow().year + ahead)) if stored else utcnow().year + ahead
    first = min(stored) if stored else utcnow().year
    out = []
    for year in range(last, first - 1, -1):
        row = stored.get(year)
        h, w = counts.get(year, (0, 0))
        out.append(YearSummary(year, row.source if row else None, row.note if row else None,
                               h if row else 0, w if row else 0))
    return out


def year_days(year: int) -> tuple[list[dt.date], list[dt.date]]:
    """The stored holidays and make-up working days of ``year`` (empty for estimated years)."""
    rows = db.session.execute(
        db.select(CalendarDay.day, CalendarDay.is_workday)
        .where(CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))
        .order_by(CalendarDay.day)
    ).all()
    return [d for d, w in rows if not w], [d for d, w in rows if w]


def check_arrangement(year: int, holidays: Iterable[dt.date],
                      makeup_workdays: Iterable[dt.date]) -> None:
    """Raise ``CalendarError`` unless the dates make a coherent arrangement of ``year``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarError(N_("Enter a year between %(min)s and %(max)s."),
                            {"min": MIN_YEAR, "max": MAX_YEAR})
    holidays, makeup_workdays = set(holidays), set(makeup_workdays)
    for d in sorted(holidays | makeup_workdays):
        if d.year != year:
            raise CalendarError(N_("%(date)s is not in %(year)s."), {"date": d.isoformat(), "year": year})
    both = sorted(holidays & makeup_workdays)
    if both:
        raise CalendarError(N_("%(date)s cannot be both a holiday and a make-up working day."),
                            {"date": both[0].isoformat()})
    weekday = sorted(d for d in makeup_workdays if d.weekday() < 5)
    if weekday:
        raise CalendarError(N_("%(date)s is a weekday; make-up working days fall on a Saturday or Sunday."),
                            {"date": weekday[0].isoformat()})


def set_year(year: int, *, holidays: Iterable[dt.date], makeup_workdays: Iterable[dt.date],
             actor, note: str | None = None) -> CalendarYear:
    """Record the official arrangement of ``year`` (published by the State Council).

    Replaces whatever the year had.  Deadlines computed afterwards use it and are no longer
    estimated; ``calendar_changed`` lets the stored ones follow (the case clocks write one
    audit event per deadline that moves; this writes one for the year).  Flushes; the caller's
    unit of work commits.
    """
    holidays, makeup_workdays = sorted(set(holidays)), sorted(set(makeup_workdays))
    check_arrangement(year, holidays, makeup_workdays)
    previous = db.session.get(CalendarYear, year)
    before = year_days(year) if previous is not None else None
    db.session.execute(db.delete(CalendarDay).where(
        CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31)))
    for d in holidays:
        db.session.add(CalendarDay(day=d, is_workday=False, name="holiday"))
    for d in makeup_workdays:
        db.session.add(CalendarDay(day=d, is_workday=True, name="makeup"))
    row = previous or CalendarYear(year=year)
    row.source, row.note = "admin", note
    # The cache stamp must move even if the wall clock did not (frozen time, coarse clocks).
    latest = _stamp()[1]
    now = utcnow()
    row.loaded_at = now if latest is None or now > latest else latest + dt.timedelta(microseconds=1)
    db.session.add(row)
    db.session.flush()
    # What was computed from the estimate (deadlines of cases) follows the entered arrangement.
    moved: set[int] = set()
    for _receiver, case_ids in calendar_changed.send(current_app._get_current_object(),
                                                     calendar=_load_calendar(), year=year,
                                                     actor=actor):
        moved.update(case_ids or ())
    record("calendar.set_year", actor=actor, object_type="calendar_year", object_id=year,
           details={"holidays": [d.isoformat() for d in holidays],
                    "makeup_workdays": [d.isoformat() for d in makeup_workdays],
                    "replaced": None if before is None else {
                        "holidays": [d.isoformat() for d in before[0]],
                        "makeup_workdays": [d.isoformat() for d in before[1]]},
                    "deadlines_recalculated": sorted(moved)},
           reason=note)
    return row
