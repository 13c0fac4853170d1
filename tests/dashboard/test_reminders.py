"""Periodic reports are chased: one reminder before the due date, one notice after it is
missed, each exactly once however often the tasks run; and the overdue report is flagged to
the regulators."""
from __future__ import annotations

import datetime as dt

from supervision.audit.models import AuditEvent
from supervision.cases import clocks, reminders, timers
from supervision.cases.services import fire
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from supervision.sandbox import services
from tests.dashboard.conftest import sign_in


def inbox(rule: str) -> list[InboxItem]:
    return list(db.session.execute(db.select(InboxItem).where(InboxItem.rule == rule)).scalars())


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_a_reminder_goes_out_once_three_days_before_the_report_is_due(world, running):
    due = clocks.find(running.case, services.REPORT_ITEM)
    too_early = due.due_at - dt.timedelta(days=5)
    assert reminders.remind(now=too_early) == []
    before = due.due_at - dt.timedelta(days=2)
    assert reminders.remind(now=before) == [due.id]
    assert reminders.remind(now=before) == [] and reminders.remind(now=before + dt.timedelta(hours=5)) == []
    [told] = inbox("sandbox_report_due_firm")
    assert told.user_id == world.applicant_a.id and due.due_date.isoformat() in told.params
    assert len(events("deadline.reminder")) == 1
    # The officer is not reminded of what the firm owes.
    assert {i.user_id for i in db.session.execute(db.select(InboxItem).where(
        InboxItem.event == "deadline.due_soon")).scalars()} == {world.applicant_a.id}


def test_after_the_date_the_overdue_notice_goes_out_once(world, running):
    due = clocks.find(running.case, services.REPORT_ITEM)
    after = due.due_at + dt.timedelta(minutes=1)
    timers.tick(now=after)
    timers.tick(now=after + dt.timedelta(hours=1))
    assert [i.user_id for i in inbox("sandbox_overdue_firm")] == [world.applicant_a.id]
    assert [i.user_id for i in inbox("sandbox_overdue_officer")] == [world.officer.id]
    # A missed report is not reminded of "before" any more.
    assert reminders.remind(now=after) == []


def test_the_next_report_gets_its_own_reminder(world, running):
    case = running.case
    first = clocks.find(case, services.REPORT_ITEM)
    reminders.remind(now=first.due_at - dt.timedelta(days=1))
    fire(case, "submit_report", actor=world.applicant_a, summary="Month one: no incident.")
    db.session.commit()
    nxt = clocks.find(case, services.REPORT_ITEM)
    assert nxt.id != first.id and nxt.reminded_at is None
    assert reminders.remind(now=nxt.due_at - dt.timedelta(days=1)) == [nxt.id]
    assert len(inbox("sandbox_report_due_firm")) == 2


def test_no_reminder_when_switched_off(app, world, running):
    app.config["DEADLINE_REMINDER_DAYS"] = 0
    try:
        due = clocks.find(running.case, services.REPORT_ITEM)
        assert reminders.remind(now=due.due_at - dt.timedelta(days=1)) == []
    finally:
        app.config["DEADLINE_REMINDER_DAYS"] = 3


def test_an_overdue_report_is_flagged_on_the_regulators_case_list(world, web, running):
    from tests.dashboard.test_portal import overdue_report

    overdue_report(running)
    sign_in(web, "officer@t.test")
    page = web.get("/cases").get_data(as_text=True)
    row = page.split('data-case="%d"' % running.case_id)[1].split("</tr>")[0]
    assert "Report overdue" in row
