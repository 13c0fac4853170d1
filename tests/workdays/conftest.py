"""The calendar tables are reference data kept between tests: put back what a test entered."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.extensions import db
from supervision.workdays.models import CalendarDay, CalendarYear

# chinese-calendar 1.11 knows the official arrangements up to 2026.
LAST_OFFICIAL_YEAR = 2026


def forget_years_after(year: int) -> None:
    db.session.rollback()
    db.session.execute(db.delete(CalendarDay).where(CalendarDay.day > dt.date(year, 12, 31)))
    db.session.execute(db.delete(CalendarYear).where(CalendarYear.year > year))
    db.session.commit()


@pytest.fixture
def calendar_restored(app):
    """Forget any year entered after the seeded official ones, before and after the test."""
    forget_years_after(LAST_OFFICIAL_YEAR)
    yield
    forget_years_after(LAST_OFFICIAL_YEAR)
