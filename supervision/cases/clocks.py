"""Statutory clocks on cases: start, pause, resume and stop as the workflow table says."""
from __future__ import annotations

import datetime as dt

from supervision.cases.models import Case, ClockPause
from supervision.core.timeutil import local_date, local_today, utcnow
from supervision.workdays.calendar import WorkCalendar
from supervision.workdays.services import current_calendar
from workflows.base import Workflow


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
