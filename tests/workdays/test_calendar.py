"""Counting working days by the official PRC calendar, and the estimate beyond it."""
from __future__ import annotations

import datetime as dt
import multiprocessing

import chinese_calendar
import pytest

from supervision.extensions import db
from supervision.workdays.calendar import WorkCalendar
from supervision.workdays.models import CalendarDay, CalendarYear
from supervision.workdays.services import CalendarError, current_calendar, set_year

D = dt.date


def test_national_day_2026_five_working_days_from_mid_autumn_friday(app):
    # Fri 25 Sep 2026 is Mid-autumn; 26-27 Sep holiday; 28-30 Sep work; 1-7 Oct National Day.
    cal = current_calendar()
    deadline = cal.add_working_days(D(2026, 9, 25), 5)
    assert deadline.due == D(2026, 10, 9)
    assert deadline.estimated is False


def test_make_up_working_days_count(app):
    cal = current_calendar()
    # Sat 10 Oct 2026 is a make-up working day after National Day.
    assert cal.add_working_days(D(2026, 9, 25), 6).due == D(2026, 10, 10)
    # Sun 20 Sep 2026 is a make-up working day before it.
    assert cal.add_working_days(D(2026, 9, 18), 1).due == D(2026, 9, 20)
    assert cal.is_workday(D(2026, 9, 20)) and not cal.is_workday(D(2026, 9, 19))
    assert not cal.is_workday(D(2026, 10, 5))  # a Monday inside the holiday


def test_working_days_between_counts_the_end_not_the_start(app):
    cal = current_calendar()
    assert cal.working_days_between(D(2026, 9, 25), D(2026, 10, 9)) == 5
    assert cal.working_days_between(D(2026, 10, 9), D(2026, 9, 25)) == -5
    assert cal.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0


def test_december_2026_deadline_runs_into_an_estimated_2027(app, calendar_restored):
    with pytest.raises(NotImplementedError):  # the package alone cannot answer
        chinese_calendar.is_workday(D(2027, 1, 4))
    deadline = current_calendar().add_working_days(D(2026, 12, 20), 20)
    # 9 working days left in 2026; 1 Jan 2027 is New Year's Day by holidays.China.
    assert deadline.due == D(2027, 1, 18)
    assert deadline.estimated is True


def test_deadline_inside_an_official_year_is_not_estimated(app):
    deadline = current_calendar().add_working_days(D(2026, 12, 20), 9)
    assert (deadline.due, deadline.estimated) == (D(2026, 12, 31), False)


def test_entered_year_replaces_the_estimate(app, world, calendar_restored):
    set_year(2027, holidays=[D(2027, 1, 1), D(2027, 1, 4), D(2027, 1, 5)],
             makeup_workdays=[D(2027, 1, 9)], actor=world.admin, note="test arrangement")
    deadline = current_calendar().add_working_days(D(2026, 12, 20), 20)
    # 4-5 Jan are holidays; Sat 9 Jan is worked.
    assert deadline.due == D(2027, 1, 19)
    assert deadline.estimated is False


def test_set_year_refuses_dates_outside_the_year_and_changes_nothing(app, world, calendar_restored):
    with pytest.raises(CalendarError) as err:
        set_year(2027, holidays=[D(2026, 12, 31)], makeup_workdays=[], actor=world.admin)
    assert str(err.value) == "2026-12-31 is not in 2027."
    with pytest.raises(CalendarError):
        set_year(2101, holidays=[], makeup_workdays=[], actor=world.admin)
    with pytest.raises(CalendarError):  # make-up days are weekend days
        set_year(2027, holidays=[], makeup_workdays=[D(2027, 1, 4)], actor=world.admin)
    db.session.rollback()
    assert db.session.get(CalendarYear, 2027) is None
    assert current_calendar().is_estimated(D(2027, 6, 1))


def test_cache_reloads_when_a_year_is_set_again_at_the_same_instant(app, world, calendar_restored):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc), tick=False):
        set_year(2027, holidays=[D(2027, 1, 4)], makeup_workdays=[], actor=world.admin)
        assert not current_calendar().is_workday(D(2027, 1, 4))
        set_year(2027, holidays=[D(2027, 1, 5)], makeup_workdays=[], actor=world.admin)
        cal = current_calendar()
    assert cal.is_workday(D(2027, 1, 4)) and not cal.is_workday(D(2027, 1, 5))


def _other_process_enters_2027(url: str) -> None:
    """Another worker process writes the year straight into the database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.insert(CalendarYear.__table__).values(
            year=2027, source="admin", note="other process", loaded_at=dt.datetime(2030, 1, 1)))
        conn.execute(sa.insert(CalendarDay.__table__).values(day=D(2027, 1, 4), is_workday=False,
                                                              name="holiday"))
    engine.dispose()


def test_cache_follows_a_change_made_by_another_process(app, calendar_restored):
    assert current_calendar().is_workday(D(2027, 1, 4))  # estimated, and now cached
    url = db.engine.url.render_as_string(hide_password=False)
    proc = multiprocessing.get_context("spawn").Process(target=_other_process_enters_2027, args=(url,))
    proc.start()
    proc.join(60)
    assert proc.exitcode == 0
    db.session.commit()  # end this session's snapshot, as a new request would
    cal = current_calendar()
    assert not cal.is_workday(D(2027, 1, 4))
    assert not cal.is_estimated(D(2027, 1, 4))


def test_estimate_has_no_make_up_days_and_skips_statutory_holidays():
    cal = WorkCalendar(set(), {})
    assert not cal.is_workday(D(2027, 10, 1))   # National Day (holidays.China)
    assert not cal.is_workday(D(2027, 10, 2))   # Saturday
    assert cal.is_workday(D(2027, 10, 6))       # a Wednesday after the estimated holiday
    assert cal.is_estimated(D(2027, 10, 6))


def _count_day_by_day(cal: WorkCalendar, start: dt.date, end: dt.date) -> int:
    sign = 1 if end >= start else -1
    lo, hi = min(start, end), max(start, end)
    return sign * sum(cal.is_workday(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))


@pytest.mark.parametrize("start, end", [
    (D(2025, 12, 31), D(2026, 1, 1)),     # across New Year's Day
    (D(2026, 2, 13), D(2026, 2, 28)),     # across the Spring Festival with its make-up days
    (D(2024, 2, 28), D(2024, 3, 1)),      # a leap day
    (D(2019, 6, 30), D(2031, 1, 5)),      # official years, then estimated ones
    (D(2027, 1, 18), D(2025, 10, 9)),     # backwards
    (D(9998, 12, 30), D(9999, 12, 31)),   # the last day the calendar can name
])
def test_working_days_between_across_years_matches_counting_each_day(app, start, end):
    cal = current_calendar()
    assert cal.working_days_between(start, end) == _count_day_by_day(cal, start, end)


def test_working_days_between_matches_counting_each_day_on_random_spans(app):
    import random

    cal, rng = current_calendar(), random.Random(48)
    for _ in range(300):
        start = D(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 5000))
        end = start + dt.timedelta(days=rng.randrange(-800, 800))
        assert cal.working_days_between(start, end) == _count_day_by_day(cal, start, end), (start, end)
