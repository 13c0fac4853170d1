"""Several deadlines on one case: hours, calendar days and working days, pauses, clocks started
from a recorded event time, configured lengths, and the case's due date on the nearest one."""
from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest

import config
from supervision.audit.models import AuditEvent
from supervision.cases import clocks, services
from supervision.cases.models import ClockPause, Deadline
from supervision.extensions import db
from supervision.workdays.services import current_calendar
from tests.cases.deadline_flow import SHANGHAI, at, flow, flow_case  # noqa: F401  (fixture)

D = dt.date


def utc(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def deadlines(case) -> list[tuple[str, str, dt.date]]:
    rows = db.session.execute(db.select(Deadline).where(Deadline.case_id == case.id)
                              .order_by(Deadline.id)).scalars()
    return [(d.name, d.status, d.due_date) for d in rows]


def test_a_24_hour_clock_started_at_2230_is_due_at_2230_the_next_day(world, flow):
    case = flow_case(world)
    with at(2026, 4, 1, 22, 30):
        services.fire(case, "ask", actor=world.officer)
    [d] = clocks.open_deadlines(case)
    assert (d.unit, d.length, d.started_at) == ("hours", 24, dt.datetime(2026, 4, 1, 14, 30))
    assert d.due_at == dt.datetime(2026, 4, 2, 14, 30)               # UTC
    assert case.due_date == D(2026, 4, 2)                             # the Shanghai due day
    with at(2026, 4, 2, 9):
        [view] = clocks.describe(case)
    assert view.due_text == "2026-04-02 22:30"                        # shown in Shanghai time
    assert view.due == dt.datetime(2026, 4, 2, 22, 30, tzinfo=SHANGHAI)
    assert (view.left, view.unit, view.overdue) == (14, "hours", False)
    with at(2026, 4, 2, 22, 29):
        assert not clocks.expired(case, "reply") and not clocks.is_expired(case)
    with at(2026, 4, 2, 22, 30):                                       # same day, to the minute
        assert clocks.expired(case, "reply") and clocks.is_expired(case)
        assert clocks.describe(case)[0].overdue


def test_holding_pauses_an_hour_clock_for_exactly_as_long_as_the_hold(world, flow):
    case = flow_case(world)
    with at(2026, 4, 1, 22, 30):
        services.fire(case, "ask", actor=world.officer)
    with at(2026, 4, 1, 23, 0):
        services.fire(case, "hold", actor=world.officer)
    assert case.clock_paused_at is not None                           # the nearest is paused
    with at(2026, 4, 3, 12):                                           # past the first due time
        assert not clocks.is_expired(case)
        assert clocks.describe(case)[0].left == 24                     # frozen at the pause
    with at(2026, 4, 2, 9, 15):
        services.fire(case, "release", actor=world.officer)            # held 10 h 15 min
    [d] = clocks.open_deadlines(case)
    assert d.status == "running"
    assert d.due_at == utc(2026, 4, 3, 8, 45)
    [pause] = db.session.execute(db.select(ClockPause).where(ClockPause.case_id == case.id)).scalars()
    assert (pause.deadline_id, pause.clock_name, pause.state) == (d.id, "reply", "on_hold")
    assert pause.ended_at == utc(2026, 4, 2, 9, 15)


def test_several_deadlines_and_the_case_due_date_is_the_nearest(world):
    with at(2026, 4, 1):
        case = world.case()
        services.fire(case, "submit", actor=world.applicant_a)        # acceptance: Thu 9 Apr
        report = clocks.add_due_item(case, name="report", kind="report", label="Quarterly report",
                                     due_at=D(2026, 4, 6), actor=world.officer)
        clocks.add_due_item(case, name="reply", kind="information_request", unit="calendar_days",
                            length=30, label="Reply", actor=world.officer)
    assert report.due_at == utc(2026, 4, 7)                           # end of 6 Apr in Shanghai
    assert (case.clock_name, case.due_date) == ("report", D(2026, 4, 6))
    assert [v.name for v in clocks.describe(case)] == ["report", "acceptance", "reply"]
    with at(2026, 4, 2):
        services.fire(case, "accept", actor=world.officer)            # the table's clock moves on
    # The decision: 20 working days from 2 Apr over Qingming (4-6 Apr) and Labour Day (1-5 May).
    assert deadlines(case) == [("acceptance", "met", D(2026, 4, 9)), ("report", "running", D(2026, 4, 6)),
                               ("reply", "running", D(2026, 5, 1)), ("decision", "running", D(2026, 5, 6))]
    assert case.due_date == D(2026, 4, 6)
    with at(2026, 4, 3):
        clocks.close(case, "report", actor=world.applicant_a)
    assert (case.clock_name, case.due_date) == ("reply", D(2026, 5, 1))
    db.session.commit()
    assert db.session.execute(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action.in_(["deadline.add", "deadline.close"]))).scalar() == 3
    with at(2026, 4, 4):
        services.fire(case, "withdraw", actor=world.applicant_a, reason="Product cancelled.")
    assert {status for _, status, _ in deadlines(case)} == {"met", "cancelled"}
    assert (case.clock_name, case.due_date, case.due_estimated) == (None, None, False)


def test_the_case_list_orders_by_the_nearest_deadline(world, web):
    with at(2026, 4, 1):
        late = world.case(title="late report")
        services.fire(late, "submit", actor=world.applicant_a)         # acceptance due 9 Apr
        clocks.add_due_item(late, name="report", kind="report", due_at=D(2026, 4, 3), actor=world.officer)
        on_time = world.case(title="on time")
        services.fire(on_time, "submit", actor=world.applicant_a)      # due 9 Apr
    db.session.commit()
    with at(2026, 4, 8):
        web.login("officer@t.test")
        html = web.get("/cases", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html.index(late.number) < html.index(on_time.number)
    assert "2 working days overdue" in html                           # 7 and 8 Apr


def test_a_clock_runs_from_the_recorded_service_of_the_notice(world, flow):
    case = flow_case(world)
    with at(2026, 4, 10):
        services.fire(case, "notify", actor=world.officer)
    assert clocks.open_deadlines(case) == [] and case.due_date is None   # not served yet
    # Service was recorded later, as of 31 Mar at 07:30 in Shanghai (still 30 Mar in UTC).
    served = dt.datetime(2026, 3, 31, 7, 30, tzinfo=SHANGHAI)
    with at(2026, 4, 10):
        d = clocks.start(case, "defence", at=served, actor=world.officer)
    assert (d.unit, d.length, d.started_at) == ("calendar_days", 5, dt.datetime(2026, 3, 30, 23, 30))
    assert (d.due_date, case.due_date) == (D(2026, 4, 5), D(2026, 4, 5))  # 1-5 Apr
    with at(2026, 4, 10):
        assert clocks.is_expired(case)
        assert clocks.describe(case)[0].left == -5
        again = clocks.start(case, "defence", at=served + dt.timedelta(days=3), actor=world.officer)
    assert deadlines(case) == [("defence", "cancelled", D(2026, 4, 5)), ("defence", "running", D(2026, 4, 8))]
    assert again.due_date == case.due_date == D(2026, 4, 8)
    db.session.commit()
    assert [e.action for e in db.session.execute(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.object_type == "deadline")).scalars()] == [
        "deadline.start", "deadline.start"]


def test_entering_a_state_starts_its_clock_from_a_given_event_time(world, flow):
    case = flow_case(world)
    case.state = "noticed"
    # Served at 16:00 UTC on 29 May, which is 00:00 on 30 May in Shanghai.
    clocks.on_enter(case, flow, "noticed", events={"served_at": dt.datetime(2026, 5, 29, 16, 0)})
    assert case.due_date == D(2026, 6, 4)                             # 31 May - 4 Jun


def test_configuration_overrides_the_length_and_unit_of_a_clock(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASE_CLOCKS", {"registration": {"acceptance": {"length": 10}}})
    with at(2026, 4, 1):
        case = world.case()
        services.fire(case, "submit", actor=world.applicant_a)
    [d] = clocks.open_deadlines(case)
    # 10 working days from Wed 1 Apr 2026 over the Qingming holiday (4-6 Apr): Thu 16 Apr.
    assert (d.length, d.unit, d.label, case.due_date) == (10, "working_days", "Acceptance decision", D(2026, 4, 16))
    monkeypatch.setitem(app.config, "CASE_CLOCKS",
                        {"registration": {"acceptance": {"length": 7, "unit": "calendar_days"}}})
    with at(2026, 4, 1):
        other = world.case()
        services.fire(other, "submit", actor=world.applicant_a)
    assert other.due_date == D(2026, 4, 8)
    # The deadline keeps the rule it started with.
    db.session.refresh(d)
    assert (d.length, d.due_date) == (10, D(2026, 4, 16))


def test_bad_clock_configuration_is_refused():
    for bad in ({"registration": {"acceptance": {"length": 5, "unit": "weeks"}}},
                {"registration": {"acceptance": {"length": -1}}},
                {"registration": {"acceptance": {"days": 5}}},
                {"registration": ["acceptance"]}):
        with pytest.raises(ValueError):
            clocks.check_configuration(bad)
    clocks.check_configuration({"registration": {"acceptance": {"unit": "calendar_days"}}})


def test_clock_lengths_come_from_the_environment_as_json(monkeypatch):
    setting = {"registration": {"decision": {"length": 15, "unit": "working_days"}}}
    monkeypatch.setenv("CASE_CLOCKS", json.dumps(setting))
    try:
        assert importlib.reload(config).Config.CASE_CLOCKS == setting
        monkeypatch.delenv("CASE_CLOCKS")
        assert importlib.reload(config).Config.CASE_CLOCKS == {}
    finally:
        importlib.reload(config)


def test_working_day_deadline_across_a_holiday_and_a_make_up_day(world):
    with at(2026, 9, 25, 15):
        case = world.case()
        d = clocks.add_due_item(case, name="report", kind="report", unit="working_days", length=6,
                                actor=world.officer)
    # Fri 25 Sep; 1-7 Oct National Day; Sat 10 Oct is worked: the 6th working day.
    assert (d.due_date, case.due_date, case.due_estimated) == (D(2026, 10, 10), D(2026, 10, 10), False)
    with at(2026, 10, 9):
        assert clocks.days_left(case, current_calendar()) == 1


def test_add_due_item_takes_a_due_time_or_a_period(world):
    case = world.case()
    for kw in ({}, {"due_at": D(2026, 5, 1), "unit": "hours", "length": 2},
               {"unit": "hours"}, {"due_at": D(2026, 5, 1), "kind": "penalty"}):
        with pytest.raises(ValueError):
            clocks.add_due_item(case, **{"name": "x", "kind": "other", **kw}, actor=world.officer)


def test_the_case_page_lists_every_open_deadline(world, web):
    """A due item beside the statutory clock: both are on the case page, nearest first."""
    import datetime as dt

    from supervision.cases import clocks
    from tests.cases.conftest import put_in_state, sign_in

    case = world.case(title="Two deadlines")
    put_in_state(case, "submitted")
    clocks.add_due_item(case, name="quarterly_report", kind="report", actor=world.officer,
                        label="Quarterly report", due_at=dt.date(2030, 1, 15))
    db.session.commit()
    sign_in(web, "officer@t.test")
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-deadline="acceptance"' in page and 'data-deadline="quarterly_report"' in page
    assert page.index('data-deadline="acceptance"') < page.index('data-deadline="quarterly_report"')
    assert "Quarterly report: 2030-01-15" in page
