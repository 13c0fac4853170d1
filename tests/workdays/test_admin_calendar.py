"""The admin page on which the State Council's arrangement of a new year is entered."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.audit.models import AuditEvent
from supervision.extensions import db
from supervision.workdays.models import CalendarDay, CalendarYear
from supervision.workdays.services import current_calendar

PAGE = "/admin/calendar/"
ARRANGEMENT_2027 = {
    "year": "2027",
    "holidays": "2027-01-01\n2027-01-04\n2027-01-05",
    "makeup": "2027-01-09",
    "note": "国务院办公厅关于2027年部分节假日安排的通知 (test)",
}


def _events(action: str) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action)).scalar_one()


@pytest.fixture
def admin(world, web):
    web.login("admin@t.test")
    return web


def test_page_lists_official_years_and_marks_next_year_estimated(admin, calendar_restored):
    resp = admin.client.get(PAGE, headers={"Accept-Language": "en"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "2026" in html and "Official (chinese-calendar package)" in html
    assert "Estimated: no official arrangement yet" in html  # 2027


def test_admin_enters_2027_and_the_december_deadline_follows_it(admin, calendar_restored):
    before = current_calendar().add_working_days(dt.date(2026, 12, 20), 20)
    assert (before.due, before.estimated) == (dt.date(2027, 1, 18), True)

    resp = admin.post(PAGE, ARRANGEMENT_2027, token_from=PAGE, headers={"Accept-Language": "en"})
    assert resp.status_code == 303
    after = current_calendar().add_working_days(dt.date(2026, 12, 20), 20)
    assert (after.due, after.estimated) == (dt.date(2027, 1, 19), False)
    year = db.session.get(CalendarYear, 2027)
    assert year.source == "admin"
    assert _events("calendar.set_year") == 1
    page = admin.client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The calendar of 2027 was saved." in page
    assert "Official (entered by an administrator)" in page


@pytest.mark.parametrize("change, message", [
    ({"holidays": "2027-01-01\n1 January"}, '&#34;1&#34; is not a date; write dates as YYYY-MM-DD.'),
    ({"holidays": "<b>2027-01-01</b>"}, '&#34;&lt;b&gt;2027-01-01&lt;/b&gt;&#34; is not a date'),
    ({"holidays": "2027-02-30"}, '&#34;2027-02-30&#34; is not a date; write dates as YYYY-MM-DD.'),
    ({"holidays": "2026-10-01"}, "2026-10-01 is not in 2027."),
    ({"makeup": "2028-01-08"}, "2028-01-08 is not in 2027."),
    ({"makeup": "2027-01-06"}, "2027-01-06 is a weekday; make-up working days fall on a Saturday or Sunday."),
    ({"makeup": "2027-01-02", "holidays": "2027-01-02"},
     "2027-01-02 cannot be both a holiday and a make-up working day."),
    ({"year": "1999"}, "Enter a year between 2000 and 2100."),
    ({"year": "2101"}, "Enter a year between 2000 and 2100."),
    ({"year": "twenty"}, "Enter the year as a number, e.g. 2027."),
    ({"year": ""}, "Enter the year."),
])
def test_bad_input_gets_a_clear_message_and_changes_nothing(admin, calendar_restored, change, message):
    days_before = db.session.execute(db.select(db.func.count()).select_from(CalendarDay)).scalar_one()
    resp = admin.post(PAGE, {**ARRANGEMENT_2027, **change}, token_from=PAGE,
                      headers={"Accept-Language": "en"})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.execute(db.select(CalendarYear).where(CalendarYear.year >= 2027)).first() is None
    assert db.session.execute(db.select(db.func.count()).select_from(CalendarDay)).scalar_one() == days_before
    assert _events("calendar.set_year") == 0
    assert current_calendar().is_estimated(dt.date(2027, 1, 4))


def test_only_admins_keep_the_calendar(world, web, calendar_restored):
    web.login("officer@t.test")
    token = web.csrf("/cases")
    assert web.client.get(PAGE).status_code == 403
    assert web.post(PAGE, {**ARRANGEMENT_2027, "csrf_token": token}).status_code == 403
    assert db.session.get(CalendarYear, 2027) is None


def test_without_csrf_token_nothing_is_saved(admin, calendar_restored):
    resp = admin.client.post(PAGE, data=ARRANGEMENT_2027)
    assert resp.status_code == 400
    assert db.session.get(CalendarYear, 2027) is None
