"""Statutory clocks on cases: start, pause, resume and stop as the workflow table says (DOMAIN §9).

A state with ``clock`` starts that clock on entry (or resumes it, if it was paused); a state
with ``pauses`` stops the named clock while the case is there (补正期间不计入) and keeps a
``ClockPause`` row; any other state clears the clock.  Days are working days in Asia/Shanghai,
counted from the day after the start; a pause of N working days moves the due date N working
days later.  A due date that lies in a year without the official arrangement is ``estimated``
and is recomputed when an administrator enters that year (``refresh_estimated_deadlines``).
"""
from __future__ import annotations

import datetime as dt

from supervision.cases import types
from supervision.audit.services import record
from supervision.cases.models import Case, ClockPause
from supervision.core.timeutil import local_date, local_today, utcnow
from supervision.extensions import db
from supervision.workdays.calendar import Deadline, WorkCalendar
from supervision.workdays.services import current_calendar
from workflows.base import Clock, Workflow


def on_enter(case: Case, wf: Workflow, dest: str, *, cal: WorkCalendar | None = None) -> None:
    """Apply the clock rule of state ``dest`` to ``case`` (which is entering it)."""
    cal = cal or current_calendar()
    state = wf.states[dest]
    now, today = utcnow(), local_today()
    if state.clock is not None:
        if case.clock_name == state.clock.name and case.clock_paused_at is not None:
            _resume(case, cal, now, today)
        elif case.clock_name != state.clock.name:
            deadline = cal.add_working_days(today, state.clock.working_days)
            case.clock_name, case.clock_started_on = state.clock.name, today
            case.due_date, case.due_estimated = deadline.due, deadline.estimated
            case.clock_paused_at = None
    elif state.pauses is not None:
        if case.clock_name == state.pauses and case.clock_paused_at is None:
            case.clock_paused_at = now
            case.pauses.append(ClockPause(clock_name=state.pauses, state=dest, started_at=now))
    else:
        case.clock_name = case.clock_started_on = case.due_date = None
        case.due_estimated, case.clock_paused_at = False, None


def _resume(case: Case, cal: WorkCalendar, now: dt.datetime, today: dt.date) -> None:
    paused_on = local_date(case.clock_paused_at)
    lost = max(cal.working_days_between(paused_on, today), 0)
    if lost and case.due_date is not None:
        deadline = cal.add_working_days(case.due_date, lost)
        case.due_date, case.due_estimated = deadline.due, case.due_estimated or deadline.estimated
    case.clock_paused_at = None
    for pause in case.pauses:
        if pause.ended_at is None:
            pause.ended_at, pause.working_days = now, lost


def days_left(case: Case, cal: WorkCalendar, today: dt.date | None = None) -> int | None:
    """Working days until the due date (negative when overdue); frozen while paused."""
    if case.due_date is None:
        return None
    ref = local_date(case.clock_paused_at) if case.clock_paused_at else (today or local_today())
    return cal.working_days_between(ref, case.due_date)


def is_expired(case: Case, today: dt.date | None = None) -> bool:
    """The period has run out: the due date has passed (and the clock is not paused)."""
    return (case.due_date is not None and case.clock_paused_at is None
            and (today or local_today()) > case.due_date)


def _clock_of(wf: Workflow, name: str) -> Clock | None:
    for state in wf.states.values():
        if state.clock is not None and state.clock.name == name:
            return state.clock
    return None


def recompute_deadline(case: Case, cal: WorkCalendar) -> Deadline | None:
    """The due date of the running clock under ``cal``: its working days plus every finished
    pause since it started, each pause re-measured (its row is updated)."""
    if case.clock_name is None or case.clock_started_on is None:
        return None
    clock = _clock_of(types.workflow(case.case_type), case.clock_name)
    if clock is None:
        return None
    lost = 0
    for pause in case.pauses:
        if (pause.clock_name == case.clock_name and pause.ended_at is not None
                and local_date(pause.started_at) >= case.clock_started_on):
            pause.working_days = max(cal.working_days_between(local_date(pause.started_at),
                                                              local_date(pause.ended_at)), 0)
            lost += pause.working_days
    return cal.add_working_days(case.clock_started_on, clock.working_days + lost)


def refresh_estimated_deadlines(cal: WorkCalendar, *, actor) -> list[Case]:
    """Recompute every estimated due date under ``cal`` (after a year's arrangement was entered).

    Each case whose deadline moves or stops being estimated gets one audit event; the caller
    commits.
    """
    changed = []
    cases = db.session.execute(
        db.select(Case).where(Case.due_estimated.is_(True)).order_by(Case.id)).scalars().all()
    for case in cases:
        new = recompute_deadline(case, cal)
        if new is None or (new.due, new.estimated) == (case.due_date, case.due_estimated):
            continue
        before = case.due_date
        case.due_date, case.due_estimated = new.due, new.estimated
        db.session.flush()
        record("case.deadline_recalculated", actor=actor, case=case, object_type="case",
               object_id=case.id, workflow=case.case_type, workflow_version=case.workflow_version,
               details={"clock": case.clock_name, "from": before.isoformat() if before else None,
                        "to": new.due.isoformat(), "estimated": new.estimated})
        changed.append(case)
    return changed
