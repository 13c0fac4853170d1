"""Counting working days.  ``WorkCalendar`` is an in-memory snapshot of the calendar tables.

Every result that depends on a year without official data says so (``estimated``), because a
deadline in such a year may move when the State Council publishes the arrangement.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays as holidays_pkg

ONE_DAY = dt.timedelta(days=1)
# A deadline never lies further ahead than this many calendar days per working day asked.
_MAX_SPAN_FACTOR = 4


@lru_cache(maxsize=32)
def _estimated_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays_pkg.China(years=year).keys())


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    estimated: bool


class WorkCalendar:
    def __init__(self, official_years: set[int], exceptions: dict[dt.date, bool]):
        self.official_years = frozenset(official_years)
        self.exceptions = dict(exceptions)
        self._prefixes: dict[int, list[int]] = {}  # year -> working days among its first i days

    def is_estimated(self, day: dt.date) -> bool:
        return day.year not in self.official_years

    def is_workday(self, day: dt.date) -> bool:
        if day.year in self.official_years:
            if day in self.exceptions:
                return self.exceptions[day]
            return day.weekday() < 5
        return day.weekday() < 5 and day not in _estimated_holidays(day.year)

    def add_working_days(self, start: dt.date, n: int) -> Deadline:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted, estimated = start, 0, False
        limit = start + dt.timedelta(days=max(n, 1) * _MAX_SPAN_FACTOR + 30)
        while counted < n:
            day += ONE_DAY
            if day > limit:  # pragma: no cover - would need a calendar with no working days
                raise ValueError("calendar has no working days in range")
            if self.is_workday(day):
                counted += 1
                estimated = estimated or self.is_estimated(day)
        if n == 0:
            estimated = self.is_estimated(day)
        return Deadline(day, estimated)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``.

        Answered from per-year running totals, so the cost doesn't grow with the span (the case
        list asks this for every row, and an old overdue case spans years)."""
        if end == start:
            return 0
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        if start.year == end.year:
            count = self._through(end) - self._through(start)
        else:
            count = self._year_total(start.year) - self._through(start) + self._through(end)
            count += sum(self._year_total(y) for y in range(start.year + 1, end.year))
        return sign * count

    def _prefix(self, year: int) -> list[int]:
        prefix = self._prefixes.get(year)
        if prefix is None:
            prefix, count = [0], 0
            for offset in range(366 if calendar.isleap(year) else 365):
                count += self.is_workday(dt.date(year, 1, 1) + dt.timedelta(days=offset))
                prefix.append(count)
            self._prefixes[year] = prefix
        return prefix

    def _through(self, day: dt.date) -> int:
        """Working days from 1 January of ``day``'s year up to and including ``day``."""
        return self._prefix(day.year)[day.timetuple().tm_yday]

    def _year_total(self, year: int) -> int:
        return self._prefix(year)[-1]
