"""Periods in working days, calendar days and hours, counted in Asia/Shanghai (pure, with the
seeded official calendar)."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.core.timeutil import to_local
from supervision.workdays import periods
from supervision.workdays.services import current_calendar

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date


def utc(y, m, d, hh=0, mm=0) -> dt.datetime:
    """Naive UTC (as stored) of a Shanghai wall-clock time."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def test_hours_run_from_the_exact_start_across_midnight(app):
    due = periods.due(utc(2026, 4, 1, 22, 30), "hours", 24, current_calendar())
    assert to_local(due.at).replace(tzinfo=None) == dt.datetime(2026, 4, 2, 22, 30)
    assert due.at == dt.datetime(2026, 4, 2, 14, 30)          # stored in UTC
    assert due.day == D(2026, 4, 2) and due.estimated is False
    # 2 hours from 23:00 on the last day of the year in Shanghai (15:00 UTC, same UTC day).
    due = periods.due(utc(2026, 12, 31, 23, 0), "hours", 2, current_calendar())
    assert (due.day, to_local(due.at).hour) == (D(2027, 1, 1), 1)


@pytest.mark.parametrize("start, length, due_day", [
    (utc(2026, 1, 25, 10), 10, D(2026, 2, 4)),     # across a month end
    (utc(2026, 2, 20, 10), 10, D(2026, 3, 2)),     # across February (28 days in 2026)
    (utc(2026, 12, 25, 10), 10, D(2027, 1, 4)),    # across the year end
    (utc(2026, 2, 1, 0, 30), 1, D(2026, 2, 2)),    # 00:30 on 1 Feb in Shanghai is still 31 Jan in UTC
    (utc(2026, 10, 1, 9), 3, D(2026, 10, 4)),      # holidays count as calendar days
])
def test_calendar_days_count_from_the_day_after_the_start_in_shanghai(app, start, length, due_day):
    due = periods.due(start, "calendar_days", length, current_calendar())
    assert due.day == due_day
    # The period runs to the end of its due day in Shanghai: midnight before the next day.
    assert due.at == utc(due_day.year, due_day.month, due_day.day) + dt.timedelta(days=1)
    assert due.estimated is False


def test_working_days_skip_the_holiday_and_count_the_make_up_day(app):
    cal = current_calendar()
    # Fri 25 Sep 2026 (Mid-autumn); 1-7 Oct National Day; Sat 10 Oct is a make-up working day.
    assert periods.due(utc(2026, 9, 25, 15), "working_days", 5, cal).day == D(2026, 10, 9)
    assert periods.due(utc(2026, 9, 25, 15), "working_days", 6, cal).day == D(2026, 10, 10)
    # Sun 20 Sep 2026 is worked: one working day after Fri 18 Sep.
    assert periods.due(utc(2026, 9, 18, 23, 59), "working_days", 1, cal).day == D(2026, 9, 20)


def test_a_pause_takes_whole_days_or_the_exact_time(app):
    cal = current_calendar()
    # Paused Thu 2 Apr, resumed Mon 13 Apr 2026: 3, 7-10 and 13 Apr are 6 working days.
    assert periods.lost("working_days", utc(2026, 4, 2, 10), utc(2026, 4, 13, 9), cal) == 6
    assert periods.lost("calendar_days", utc(2026, 4, 2, 10), utc(2026, 4, 13, 9), cal) == 11
    assert periods.lost("hours", utc(2026, 4, 1, 23), utc(2026, 4, 2, 9, 15), cal) == dt.timedelta(hours=10, minutes=15)
    due = periods.due(utc(2026, 4, 1, 22, 30), "hours", 24, cal)
    moved = periods.extend(due, "hours", dt.timedelta(hours=10, minutes=15), cal)
    assert to_local(moved.at).replace(tzinfo=None) == dt.datetime(2026, 4, 3, 8, 45)
    due = periods.due(utc(2026, 4, 1, 10), "working_days", 5, cal)          # Thu 9 Apr
    assert periods.extend(due, "working_days", 6, cal).day == D(2026, 4, 17)


def test_units_are_checked(app):
    with pytest.raises(ValueError):
        periods.due(utc(2026, 4, 1), "weeks", 1, current_calendar())
