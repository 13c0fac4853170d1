"""Entering a year's arrangement tells the rest of the platform through ``calendar_changed``:
the case clocks move every deadline that rested on the estimate.  The calendar itself imports
nothing of the cases."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import time_machine

from supervision.audit.models import AuditEvent
from supervision.cases import clocks, services
from supervision.extensions import db
from supervision.workdays.services import set_year
from supervision.workdays.signals import calendar_changed
from tests.workdays.conftest import calendar_restored  # noqa: F401  (fixture)

D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ARRANGEMENT_2027 = dict(holidays=[D(2027, 1, 1), D(2027, 1, 4), D(2027, 1, 5)],
                        makeup_workdays=[D(2027, 1, 9)])


def at(y, m, d, hour=10):
    return time_machine.travel(dt.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


def accepted_in_december(world):
    with at(2026, 12, 18):
        case = world.case()
        services.fire(case, "submit", actor=world.applicant_a)
    with at(2026, 12, 20):
        services.fire(case, "accept", actor=world.officer)             # decision: 20 working days
    return case


def test_entering_a_year_moves_every_estimated_deadline_through_the_signal(world, calendar_restored):
    case = accepted_in_december(world)
    with at(2026, 12, 20):
        report = clocks.add_due_item(case, name="report", kind="report", unit="working_days",
                                     length=12, actor=world.officer)
        hourly = clocks.add_due_item(case, name="incident", kind="other", unit="hours", length=72,
                                     actor=world.officer)
    # Estimated: 1 Jan 2027 is New Year's Day by holidays.China, no make-up days known.
    assert (report.due_date, report.estimated) == (D(2027, 1, 6), True)   # 9 days in 2026, 4-6 Jan
    assert (case.due_date, case.due_estimated, case.clock_name) == (D(2026, 12, 23), False, "incident")
    before = (hourly.due_at, hourly.estimated)
    received = []

    def listener(sender, **kw):
        received.append(kw)
        return []

    calendar_changed.connect(listener)
    try:
        with at(2026, 12, 21):
            set_year(2027, **ARRANGEMENT_2027, actor=world.admin, note="test")
    finally:
        calendar_changed.disconnect(listener)
    [sent] = received
    assert sent["year"] == 2027 and sent["actor"] is world.admin
    assert not sent["calendar"].is_estimated(D(2027, 1, 4))
    decision = clocks.find(case, "decision")
    # 4-5 Jan are holidays, Sat 9 Jan is worked.
    assert (decision.due_date, decision.estimated) == (D(2027, 1, 19), False)
    assert (report.due_date, report.estimated) == (D(2027, 1, 8), False)
    assert report.due_at == dt.datetime(2027, 1, 8, 16, 0)
    assert (hourly.due_at, hourly.estimated) == before
    db.session.commit()
    moved = db.session.execute(db.select(AuditEvent.details).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "case.deadline_recalculated")
        .order_by(AuditEvent.seq)).scalars().all()
    assert [json.loads(m)["clock"] for m in moved] == ["decision", "report"]
    year_event = db.session.execute(db.select(AuditEvent.details).where(
        AuditEvent.action == "calendar.set_year")).scalar_one()
    assert json.loads(year_event)["deadlines_recalculated"] == [case.id]


def test_without_the_clocks_listening_the_calendar_moves_no_deadline(world, calendar_restored):
    case = accepted_in_december(world)
    calendar_changed.disconnect(clocks._on_calendar_changed)
    try:
        with at(2026, 12, 21):
            set_year(2027, **ARRANGEMENT_2027, actor=world.admin)
    finally:
        calendar_changed.connect(clocks._on_calendar_changed)
    assert (case.due_date, case.due_estimated) == (D(2027, 1, 18), True)


def test_a_pause_in_the_estimated_year_is_measured_again(world, calendar_restored):
    case = accepted_in_december(world)                                  # due 18 Jan (estimated)
    with at(2026, 12, 30):
        services.fire(case, "start_review", actor=world.officer)
        services.fire(case, "pause_for_procedure", actor=world.officer, procedure="testing",
                      expected_until=dt.date(2027, 1, 6), reason="On-site testing.")
    with at(2027, 1, 6):
        services.fire(case, "resume_review", actor=world.officer, comment="Tested.")
    # Estimated: 31 Dec, 4, 5 and 6 Jan were paused (1 Jan a holiday): 4 working days.
    assert [p.working_days for p in case.pauses] == [4]
    assert (case.due_date, case.due_estimated) == (D(2027, 1, 22), True)
    with at(2027, 1, 6):
        set_year(2027, **ARRANGEMENT_2027, actor=world.admin)
    # Officially 4 and 5 Jan were holidays: the pause took 31 Dec and 6 Jan only; 19 Jan + 2.
    assert [p.working_days for p in case.pauses] == [2]
    assert (case.due_date, case.due_estimated) == (D(2027, 1, 21), False)


def test_the_calendar_imports_nothing_of_the_cases():
    code = ("import sys, supervision.workdays.services, supervision.workdays.views, "
            "supervision.workdays.periods, supervision.workdays.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('supervision.cases')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
