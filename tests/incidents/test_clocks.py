"""The report clocks of an incident, with frozen time: hours across midnight and a weekend,
working days across a public holiday and a make-up working day, calendar days, a restart when
triage changes the severity, late reports flagged and notified."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.cases import clocks
from supervision.cases.services import fire
from supervision.cases.timers import tick
from supervision.incidents import services
from supervision.notifications.models import InboxItem
from supervision.extensions import db
from tests.cases.deadline_flow import SHANGHAI, at
from tests.incidents.conftest import report

D = dt.date


def utc(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def due(case) -> dict[str, dt.datetime]:
    return {d.name: d.due_at for d in clocks.open_deadlines(case)}


def test_severity_1_clocks_by_default_hours_working_days_and_calendar_days(world):
    # Aware Friday 10 April 2026 at 22:30 Beijing time, reported by the regulator (the firm owes all three).
    with at(2026, 4, 10, 23, 0):
        incident = report(world, severity=1, aware=utc(2026, 4, 10, 22, 30), source="regulator",
                          actor=world.officer)
    d = due(incident.case)
    assert d["initial_report"] == utc(2026, 4, 11, 22, 30)   # 24 h: across midnight, into Saturday
    assert clocks.find(incident.case, "follow_up_report").due_date == D(2026, 4, 17)   # 5 working days
    assert clocks.find(incident.case, "final_report").due_date == D(2026, 5, 10)       # 30 calendar days
    with at(2026, 4, 11, 9, 30):
        views = {v.name: v for v in clocks.describe(incident.case)}
    assert (views["initial_report"].left, views["initial_report"].unit) == (13, "hours")


def test_an_hour_clock_runs_through_the_weekend(world, app, monkeypatch):
    monkeypatch.setitem(app.config["INCIDENT_CLOCKS"], 3, {"initial_report": {"length": 72, "unit": "hours"}})
    with at(2026, 4, 10, 23, 0):
        incident = report(world, severity=3, aware=utc(2026, 4, 10, 22, 30), source="regulator",
                          actor=world.officer)
    # Friday 22:30 + 72 h = Monday 22:30: Saturday and Sunday count.
    assert due(incident.case)["initial_report"] == utc(2026, 4, 13, 22, 30)


def test_a_working_day_clock_crosses_a_public_holiday_and_a_make_up_day(world):
    # Aware Monday 28 Sep 2026; 1-7 Oct is the National Day holiday, Saturday 10 Oct is worked:
    # 29, 30 Sep, 8, 9 Oct, and the 5th working day is the make-up Saturday.
    with at(2026, 9, 28, 11, 0):
        incident = report(world, severity=1, aware=utc(2026, 9, 28, 10, 0))
    assert clocks.find(incident.case, "follow_up_report").due_date == D(2026, 10, 10)


def test_triage_changing_the_severity_restarts_the_clocks_from_awareness(world):
    with at(2026, 4, 10, 9, 0):
        incident = report(world, severity=3, aware=utc(2026, 4, 10, 8, 0), source="regulator",
                          actor=world.officer)
    case = incident.case
    assert due(case)["initial_report"] == utc(2026, 4, 13, 8, 0)      # 72 h at severity 3
    assert "follow_up_report" not in due(case)
    with at(2026, 4, 10, 12, 0):
        fire(case, "triage", actor=world.officer, severity="1", comment="More severe than reported.")
    assert incident.severity == 1 and incident.provisional_severity == 3
    assert due(case)["initial_report"] == utc(2026, 4, 11, 8, 0)      # 24 h from awareness now
    assert clocks.find(case, "follow_up_report").due_date == D(2026, 4, 17)


def test_triage_confirming_the_severity_leaves_the_clocks_alone(world):
    with at(2026, 4, 10, 9, 0):
        incident = report(world, severity=1, aware=utc(2026, 4, 10, 8, 0))
        before = {d.id for d in clocks.open_deadlines(incident.case)}
        fire(incident.case, "triage", actor=world.officer, severity="1", comment="Confirmed.")
    assert {d.id for d in clocks.open_deadlines(incident.case)} == before


def test_the_firms_own_report_is_its_initial_report_and_a_late_one_is_flagged(world):
    with at(2026, 4, 12, 9, 0):      # aware on Friday at 8:00, reported on Sunday: 49 h later
        incident = report(world, severity=1, aware=utc(2026, 4, 10, 8, 0))
    [initial] = services.reports_of(incident)
    assert (initial.kind, initial.late) == ("initial_report", True)
    assert "initial_report" not in due(incident.case)
    assert {"follow_up_report", "final_report"} <= set(due(incident.case))


def test_a_follow_up_report_in_time_meets_its_clock(world):
    with at(2026, 4, 10, 9, 0):
        incident = report(world, severity=1, aware=utc(2026, 4, 10, 8, 0))
    with at(2026, 4, 14, 9, 0):
        fire(incident.case, "submit_report", actor=world.applicant_a, report_kind="follow_up_report",
             summary="Cause found: a sensor fault.")
    kinds = {r.kind: r.late for r in services.reports_of(incident)}
    assert kinds == {"initial_report": False, "follow_up_report": False}
    assert set(due(incident.case)) == {"final_report"}


def test_a_clock_that_runs_out_is_flagged_overdue_and_both_sides_are_told(world):
    with at(2026, 4, 10, 9, 0):
        incident = report(world, severity=1, aware=utc(2026, 4, 10, 8, 0), source="regulator",
                          actor=world.officer)
        fire(incident.case, "triage", actor=world.officer, severity="1", comment="ok")   # claims it
    db.session.commit()
    with at(2026, 4, 11, 8, 30):
        result = tick()
    assert len(result.flagged) == 1
    told = set(db.session.execute(db.select(InboxItem.user_id).where(
        InboxItem.case_id == incident.case_id, InboxItem.rule.like("incident_overdue%"))).scalars())
    assert {world.officer.id, world.applicant_a.id} <= told


@pytest.mark.parametrize("bad", [{5: {}}, {1: {"weekly_report": {"length": 1, "unit": "hours"}}},
                                 {1: {"initial_report": {"length": 1, "unit": "weeks"}}}])
def test_a_bad_clock_configuration_is_refused(bad):
    with pytest.raises(ValueError):
        services.check_clock_configuration(bad)
