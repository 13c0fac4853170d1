"""Periods counted in working days, calendar days or hours (DOMAIN §9).

Pure functions over a ``WorkCalendar``; times are naive UTC as stored, days are Asia/Shanghai
dates.  Working days and calendar days count from the day after the start and run to the end of
the due day in Shanghai (a period of one day started at any hour of 1 April ends at midnight
between 2 and 3 April, Shanghai time); hours count from the exact start.  A period ends at
``Due.at`` (exclusive: it has run out from that instant on).

A pause stops a period and moves its end by what the pause took: the working days (or calendar
days) from the day after the pause began up to and including the day it ended (补正期间不计入),
or the exact time for hours.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from supervision.core.timeutil import SHANGHAI, local_date
from supervision.workdays.calendar import WorkCalendar
from workflows.base import CLOCK_UNITS as UNITS

WORKING_DAYS, CALENDAR_DAYS, HOURS = UNITS


@dataclass(frozen=True)
class Due:
    at: dt.datetime     # naive UTC: the period has run out from this instant on
    day: dt.date        # the due day in Asia/Shanghai
    estimated: bool     # rests on a year without the official arrangement


def end_of_day(day: dt.date) -> dt.datetime:
    """The end of ``day`` in Shanghai (midnight before the next day), as naive UTC."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
    return midnight.astimezone(dt.timezone.utc).replace(tzinfo=None)


def on_day(day: dt.date, estimated: bool = False) -> Due:
    """A period that runs to the end of ``day``."""
    return Due(end_of_day(day), day, estimated)


def at_instant(at: dt.datetime) -> Due:
    """A period that ends at the instant ``at`` (naive UTC)."""
    return Due(at, local_date(at), False)


def _check(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")


def due(start: dt.datetime, unit: str, length: int, cal: WorkCalendar) -> Due:
    """The end of a period of ``length`` ``unit`` starting at ``start`` (naive UTC)."""
    _check(unit)
    if length < 0:
        raise ValueError("length must not be negative")
    if unit == HOURS:
        return at_instant(start + dt.timedelta(hours=length))
    first = local_date(start)
    if unit == CALENDAR_DAYS:
        return on_day(first + dt.timedelta(days=length))
    d = cal.add_working_days(first, length)
    return on_day(d.due, d.estimated)


def lost(unit: str, paused_at: dt.datetime, resumed_at: dt.datetime,
         cal: WorkCalendar) -> int | dt.timedelta:
    """What a pause took from the period: whole days for day units, the exact time for hours."""
    _check(unit)
    if unit == HOURS:
        return max(resumed_at - paused_at, dt.timedelta(0))
    start, end = local_date(paused_at), local_date(resumed_at)
    if unit == CALENDAR_DAYS:
        return max((end - start).days, 0)
    return max(cal.working_days_between(start, end), 0)


def extend(current: Due, unit: str, taken: int | dt.timedelta, cal: WorkCalendar) -> Due:
    """``current`` moved later by ``taken`` (what ``lost`` measured)."""
    _check(unit)
    if unit == HOURS:
        if not isinstance(taken, dt.timedelta):
            raise TypeError("an hour clock loses a timedelta")
        return at_instant(current.at + taken)
    if not isinstance(taken, int):
        raise TypeError("a day clock loses a number of days")
    if not taken:
        return current
    if unit == CALENDAR_DAYS:
        return on_day(current.day + dt.timedelta(days=taken), current.estimated)
    d = cal.add_working_days(current.day, taken)
    return on_day(d.due, current.estimated or d.estimated)
