"""Statutory clocks driven through the case engine, in frozen time (Asia/Shanghai dates)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from supervision.audit.models import AuditEvent
from supervision.cases import clocks, services
from supervision.cases.models import ClockPause
from supervision.extensions import db
from supervision.workdays.services import current_calendar
from tests.workdays.conftest import LAST_OFFICIAL_YEAR, forget_years_after

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int, hour: int = 10):
    """Freeze time at ``hour`` o'clock in Shanghai on that day."""
    return time_machine.travel(dt.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def calendar_restored(app):
    forget_years_after(LAST_OFFICIAL_YEAR)
    yield
    forget_years_after(LAST_OFFICIAL_YEAR)


def submitted_case(world, day: tuple[int, int, int]):
    with at(*day):
        case = world.case()
        services.fire(case, "submit", actor=world.applicant_a)
    return case


def days_left(case, y, m, d):
    with at(y, m, d):
        return clocks.days_left(case, current_calendar())


def test_acceptance_clock_runs_five_working_days_across_weekend_and_qingming(world):
    # Submitted Wed 1 Apr 2026; Sat 4 - Mon 6 Apr is the Qingming holiday (with the weekend).
    case = submitted_case(world, (2026, 4, 1))
    assert case.state == "submitted"
    assert case.clock_name == "acceptance"
    assert case.clock_started_on == dt.date(2026, 4, 1)
    assert case.due_date == dt.date(2026, 4, 9)
    assert case.due_estimated is False
    assert days_left(case, 2026, 4, 1) == 5
    assert days_left(case, 2026, 4, 6) == 3   # holiday Monday: Thu 2 and Fri 3 have passed
    assert days_left(case, 2026, 4, 9) == 0
    with at(2026, 4, 9, 23):
        assert not clocks.is_expired(case)    # the whole due day still counts
    assert days_left(case, 2026, 4, 10) == -1
    with at(2026, 4, 10, 0):                  # midnight in Shanghai, still 9 Apr in UTC
        assert clocks.is_expired(case)


def test_after_a_supplement_the_acceptance_period_runs_anew_from_its_receipt(world):
    """行政许可法 Art. 32: the supplement is a new receipt; the five working days start again."""
    case = submitted_case(world, (2026, 4, 1))                      # due Thu 9 Apr
    with at(2026, 4, 2):
        services.fire(case, "request_supplement", actor=world.officer,
                      items=("Test report of the emergency stop.",))
    assert case.state == "supplement_requested"
    assert case.clock_name == "supplement" and case.clock_paused_at is None
    assert clocks.find(case, "acceptance") is None                  # no acceptance period runs
    # Supplemented Mon 13 Apr: five working days from then, Mon 20 Apr.
    with at(2026, 4, 13):
        services.fire(case, "supplement", actor=world.applicant_a, comment="Report attached.")
    assert case.state == "submitted"
    assert (case.clock_name, case.due_date) == ("acceptance", dt.date(2026, 4, 20))
    assert db.session.execute(db.select(ClockPause).where(ClockPause.case_id == case.id)).scalars().all() == []


def test_every_pause_is_kept_and_added(world):
    case = submitted_case(world, (2026, 6, 1))                      # Mon 1 Jun 2026
    with at(2026, 6, 1):
        services.fire(case, "accept", actor=world.officer)
        services.fire(case, "start_review", actor=world.officer)
    # 20 working days from 1 Jun; Fri 19 Jun is the Dragon Boat Festival.
    assert (case.clock_name, case.due_date) == ("decision", dt.date(2026, 6, 30))
    # Art. 45 pauses (testing, an appraisal) stop the decision clock; each is kept.
    with at(2026, 6, 2):
        services.fire(case, "pause_for_procedure", actor=world.officer, procedure="testing",
                      expected_until=dt.date(2026, 6, 4), reason="Obstacle avoidance to be tested.")
    with at(2026, 6, 4):                                            # Wed 3, Thu 4: 2 days
        services.fire(case, "resume_review", actor=world.officer, comment="Tested.")
    with at(2026, 6, 8):
        services.fire(case, "pause_for_procedure", actor=world.officer, procedure="appraisal",
                      expected_until=dt.date(2026, 6, 9), reason="Site plans to be appraised.")
    with at(2026, 6, 9):                                            # Tue 9: 1 day
        services.fire(case, "resume_review", actor=world.officer, comment="Appraised.")
    pauses = db.session.execute(db.select(ClockPause).where(ClockPause.case_id == case.id)
                                .order_by(ClockPause.id)).scalars().all()
    assert [(p.clock_name, p.working_days) for p in pauses] == [("decision", 2), ("decision", 1)]
    assert case.due_date == dt.date(2026, 7, 3)                     # 30 Jun + 3 working days


def test_case_page_shows_days_left_and_list_puts_overdue_first(world, web):
    late = submitted_case(world, (2026, 4, 1))                      # due 9 Apr
    paused = submitted_case(world, (2026, 3, 30))
    with at(2026, 3, 30):                                           # decision due Tue 28 Apr
        services.fire(paused, "accept", actor=world.officer)
        services.fire(paused, "start_review", actor=world.officer)
    with at(2026, 3, 31):                                           # then paused
        services.fire(paused, "pause_for_procedure", actor=world.officer, procedure="testing",
                      expected_until=dt.date(2026, 4, 30), reason="To be tested.")
    fresh = submitted_case(world, (2026, 4, 10))                    # due 17 Apr
    draft = world.case()
    with at(2026, 4, 14):
        web.login("officer@t.test")
        html = web.get("/cases", headers={"Accept-Language": "en"}).get_data(as_text=True)
        order = [n for n in re.findall(r"REG-\d{4}-\d{6}", html)]
        order = list(dict.fromkeys(order))
        assert order == [late.number, fresh.number, paused.number]  # the firm's draft is its alone
        assert draft.number not in html
        assert "3 working days overdue" in html                     # 10, 13, 14 Apr
        page = web.get(f"/cases/{fresh.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "3 working days left" in page                        # 15, 16, 17 Apr
        page = web.get(f"/cases/{paused.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "paused, 19 working days left" in page      # 1 Apr - 28 Apr less Qingming


def test_december_deadline_is_estimated_until_2027_is_entered(world, web, calendar_restored):
    case = submitted_case(world, (2026, 12, 18))
    with at(2026, 12, 20):
        services.fire(case, "accept", actor=world.officer)
    assert (case.due_date, case.due_estimated) == (dt.date(2027, 1, 18), True)
    with at(2026, 12, 21):
        web.login("officer@t.test")
        page = web.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "2027-01-18" in page and "19 working days left (estimated calendar)" in page
        web.post("/logout", token_from="/cases")
        web.login("admin@t.test")
        resp = web.post("/admin/calendar/", {"year": "2027", "holidays": "2027-01-01\n2027-01-04\n2027-01-05",
                                             "makeup": "2027-01-09", "note": "test"},
                        token_from="/admin/calendar/")
        assert resp.status_code == 303
    db.session.refresh(case)
    assert (case.due_date, case.due_estimated) == (dt.date(2027, 1, 19), False)
    moved = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "case.deadline_recalculated")).scalars().all()
    assert len(moved) == 1
    with at(2026, 12, 21):
        web.post("/logout", token_from="/admin/calendar/")
        web.login("officer@t.test")
        page = web.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "2027-01-19" in page and "19 working days left" in page  # 4-5 Jan off, 9 Jan worked
        assert "(estimated calendar)" not in page


def test_leaving_the_clocked_states_stops_the_clock(world):
    case = submitted_case(world, (2026, 4, 1))
    with at(2026, 4, 2):
        services.fire(case, "not_accept", actor=world.officer, reason="Not a robot under Art. 3.",
                      competent_authority="Market Regulation")
    assert case.state == "not_accepted"
    assert (case.clock_name, case.due_date) == (None, None)
    with at(2026, 5, 1):
        assert not clocks.is_expired(case)
