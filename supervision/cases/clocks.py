"""Deadlines of cases: statutory clocks and due items (DOMAIN §9).

A case carries any number of open deadlines (``models.Deadline``): the statutory clocks of its
workflow table and the items services add (a periodic report, a reply to an information
request).  Each counts working days by the official calendar, calendar days or hours, as its rule
says (``workdays.periods``); the rule is the workflow's ``Clock`` with the lengths an
installation configured for the case type (``CASE_CLOCKS``), looked up when it starts.

The workflow table drives its clocks on entering a state (``on_enter``): a state with ``clock``
starts it (or resumes it, if it was paused), from entering the state or, with ``starts_from``,
from a recorded event time; a state with ``pauses`` stops that clock while the case is there
(补正期间不计入) and keeps a ``ClockPause`` row; the table's other clocks close (the case moved
on).  A final state closes everything.  Services start a clock from an event time (``start``),
add due items (``add_due_item``) and close them (``close``); the table leaves due items alone.

The case's ``due_date``, ``due_estimated``, ``clock_name``, ``clock_started_on`` and
``clock_paused_at`` always describe the nearest open deadline (``sync``), so the case list reads
and orders by them on its index.  The timer (``timers``) acts when a deadline runs out.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Mapping

from flask import current_app, has_app_context

from supervision.cases import types
from supervision.audit.services import record
from supervision.cases.models import (OPEN_STATUSES, Case, ClockPause, Deadline, DeadlineKind,
                                      DeadlineStatus)
from supervision.core.timeutil import local_date, local_today, to_local, utcnow
from supervision.extensions import db
from supervision.workdays import periods
from supervision.workdays.calendar import WorkCalendar
from supervision.workdays.services import current_calendar
from workflows.base import Clock, Workflow

RUNNING, PAUSED = DeadlineStatus.RUNNING.value, DeadlineStatus.PAUSED.value
MET, EXPIRED, CANCELLED = (DeadlineStatus.MET.value, DeadlineStatus.EXPIRED.value,
                           DeadlineStatus.CANCELLED.value)
CLOSED_STATUSES = (MET, EXPIRED, CANCELLED)
KINDS = tuple(k.value for k in DeadlineKind)


class ClockError(ValueError):
    """A deadline that cannot be started or closed as asked (a programming error)."""


# -- rules -------------------------------------------------------------------------------------


def configured() -> dict[str, Any]:
    return (current_app.config.get("CASE_CLOCKS") or {}) if has_app_context() else {}


def check_configuration(config: Mapping[str, Any]) -> None:
    """Refuse a ``CASE_CLOCKS`` setting that is not ``{case type: {clock: {length, unit}}}``."""
    if not isinstance(config, Mapping):
        raise ClockError("CASE_CLOCKS must map case types to their clocks")
    for case_type, clocks in config.items():
        if not isinstance(clocks, Mapping):
            raise ClockError(f"CASE_CLOCKS[{case_type!r}] must map clock names to rules")
        for name, conf in clocks.items():
            if not isinstance(conf, Mapping) or not conf or set(conf) - {"length", "unit"}:
                raise ClockError(f"CASE_CLOCKS[{case_type!r}][{name!r}] takes length and unit")
            Clock(name, conf.get("length", 0), unit=conf.get("unit", "working_days"))  # validates


def rule(case_type: str, clock: Clock) -> Clock:
    """``clock`` as configured for ``case_type``: the table's default, overridden by
    ``CASE_CLOCKS[case_type][clock.name]`` (``length`` and/or ``unit``)."""
    conf = (configured().get(case_type) or {}).get(clock.name)
    if not conf:
        return clock
    return dataclasses.replace(clock, **{k: conf[k] for k in ("length", "unit") if k in conf})


def workflow_clock(wf: Workflow, name: str) -> Clock | None:
    for state in wf.states.values():
        if state.clock is not None and state.clock.name == name:
            return state.clock
    return None


def _table_clock_names(wf: Workflow) -> set[str]:
    return ({s.clock.name for s in wf.states.values() if s.clock is not None}
            | {s.pauses for s in wf.states.values() if s.pauses is not None})


def _utc(at: dt.datetime | None) -> dt.datetime:
    """A naive UTC timestamp (as stored) from an aware or naive-UTC one; now when None."""
    if at is None:
        return utcnow()
    if at.tzinfo is not None:
        return at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at


# -- reading -----------------------------------------------------------------------------------


def open_deadlines(case: Case) -> list[Deadline]:
    """The case's running and paused deadlines, nearest first."""
    if case.id is None:
        db.session.flush()
    return list(db.session.execute(
        db.select(Deadline).where(Deadline.case_id == case.id, Deadline.status.in_(OPEN_STATUSES))
        .order_by(Deadline.due_at, Deadline.id)).scalars())


def find(case: Case, name: str) -> Deadline | None:
    """The open deadline ``name`` of the case, if any."""
    return next((d for d in open_deadlines(case) if d.name == name), None)


def sync(case: Case, deadlines: list[Deadline] | None = None) -> None:
    """Point the case's due-date columns at its nearest open deadline (or clear them)."""
    pending = open_deadlines(case) if deadlines is None else [d for d in deadlines if d.is_open]
    nearest = min(pending, key=lambda d: (d.due_at, d.id or 0), default=None)
    if nearest is None:
        case.clock_name = case.clock_started_on = case.due_date = None
        case.due_estimated, case.clock_paused_at = False, None
        return
    case.clock_name, case.clock_started_on = nearest.name, local_date(nearest.started_at)
    case.due_date, case.due_estimated = nearest.due_date, nearest.estimated
    case.clock_paused_at = nearest.paused_at


def days_left(case: Case, cal: WorkCalendar, today: dt.date | None = None) -> int | None:
    """Working days until the nearest due date (negative when overdue); frozen while paused."""
    if case.due_date is None:
        return None
    ref = local_date(case.clock_paused_at) if case.clock_paused_at else (today or local_today())
    return cal.working_days_between(ref, case.due_date)


def is_expired(case: Case, today: dt.date | None = None, *, now: dt.datetime | None = None) -> bool:
    """The nearest period has run out: its due day has passed (and it is not paused), or, on
    the due day itself, an hour clock's due time."""
    if case.due_date is None or case.clock_paused_at is not None:
        return False
    today = today or local_today()
    if today != case.due_date or case.id is None:
        return today > case.due_date
    nearest = db.session.execute(
        db.select(Deadline.due_at).where(Deadline.case_id == case.id, Deadline.status == RUNNING)
        .order_by(Deadline.due_at).limit(1)).scalar()
    return nearest is not None and nearest <= _utc(now)


def expired(case: Case, name: str, *, now: dt.datetime | None = None) -> bool:
    """Whether the open deadline ``name`` is running and has run out (to the instant)."""
    d = find(case, name)
    return d is not None and d.status == RUNNING and d.due_at <= _utc(now)


def hour_marks(case: Case, now: dt.datetime | None = None) -> tuple[tuple[str, int, bool], ...]:
    """What the hour clocks running on the case show at ``now`` (name, hours left, overdue): the
    only part of its deadlines that moves within a day (a day's due time is the end of that
    day), read as plain rows (a key for a page kept for the day)."""
    now = _utc(now)
    rows = db.session.execute(
        db.select(Deadline.name, Deadline.due_at).where(
            Deadline.case_id == case.id, Deadline.status == RUNNING, Deadline.unit == periods.HOURS)
        .order_by(Deadline.id)).all()
    return tuple((name, _hours_left(due_at, now), now >= due_at) for name, due_at in rows)


def _hours_left(due_at: dt.datetime, ref: dt.datetime) -> int:
    seconds = (due_at - ref).total_seconds()
    return math.ceil(seconds / 3600) if seconds > 0 else -math.ceil(-seconds / 3600)


@dataclass(frozen=True)
class DeadlineView:
    """An open deadline as a page shows it; times in Asia/Shanghai."""

    name: str
    label: str                  # msgid; translate with core.i18n.label
    kind: str
    unit: str
    due: dt.date | dt.datetime  # the due day, or for hours the due time (aware, Shanghai)
    due_text: str               # "2026-04-09", or "2026-04-02 22:30" for hours
    left: int                   # units left (negative: overdue by that many), frozen if paused
    paused: bool
    overdue: bool
    estimated: bool


def describe(case: Case, cal: WorkCalendar | None = None,
             now: dt.datetime | None = None) -> list[DeadlineView]:
    """The case's open deadlines, nearest first, with what is left of each."""
    cal, now = cal or current_calendar(), _utc(now)
    return [view(d, cal, now) for d in open_deadlines(case)]


def view(d: Deadline, cal: WorkCalendar, now: dt.datetime) -> DeadlineView:
    """One open deadline with what is left of it (in its own unit) at ``now``."""
    ref = d.paused_at or now
    if d.unit == periods.HOURS:
        due: dt.date | dt.datetime = to_local(d.due_at)
        text = f"{due:%Y-%m-%d %H:%M}"
        left = _hours_left(d.due_at, ref)
    else:
        due, text = d.due_date, d.due_date.isoformat()
        left = (cal.working_days_between(local_date(ref), d.due_date)
                if d.unit == periods.WORKING_DAYS else (d.due_date - local_date(ref)).days)
    return DeadlineView(d.name, d.label, d.kind, d.unit, due, text, left,
                        d.status == PAUSED, d.status == RUNNING and ref >= d.due_at, d.estimated)


# -- the workflow table's clocks ---------------------------------------------------------------


def on_enter(case: Case, wf: Workflow, dest: str, *, cal: WorkCalendar | None = None,
             events: Mapping[str, dt.datetime] | None = None, now: dt.datetime | None = None) -> None:
    """Apply the clock rule of state ``dest`` to ``case`` (which is entering it).

    ``events`` holds recorded event times (``"served_at"`` …) for clocks with ``starts_from``;
    such a clock whose event is not yet recorded waits for ``start``."""
    cal, now = cal or current_calendar(), _utc(now)
    state = wf.states[dest]
    table = _table_clock_names(wf)
    keep = {state.clock.name if state.clock is not None else None, state.pauses}
    deadlines = open_deadlines(case)
    for d in deadlines:
        if state.final:
            _close(d, MET if d.name in table else CANCELLED, now)
        elif d.name in table and d.name not in keep:
            _close(d, MET, now)
    current = {d.name: d for d in deadlines if d.is_open}
    if state.clock is not None:
        d = current.get(state.clock.name)
        if d is not None and d.status == PAUSED:
            _resume(d, cal, now)
        elif d is None:
            start_at = now if state.clock.starts_from is None else (events or {}).get(state.clock.starts_from)
            if start_at is not None:
                deadlines.append(_new(case, rule(case.case_type, state.clock), _utc(start_at),
                                      DeadlineKind.STATUTORY.value, cal))
    if state.pauses is not None:  # a state may run its own clock and stop another (expert review)
        d = current.get(state.pauses)
        if d is not None and d.status == RUNNING:
            _pause(case, d, dest, now)
    sync(case, deadlines)


def _new(case: Case, clock: Clock, at: dt.datetime, kind: str, cal: WorkCalendar,
         due: periods.Due | None = None) -> Deadline:
    """A running deadline of ``clock`` from ``at``; ``due``: a fixed end (no length)."""
    length = clock.length if due is None else None
    due = due or periods.due(at, clock.unit, clock.length, cal)
    d = Deadline(case_id=case.id, name=clock.name, kind=kind, label=clock.label or "",
                 unit=clock.unit, length=length,
                 started_at=at, due_at=due.at, due_date=due.day, estimated=due.estimated,
                 status=RUNNING, on_expiry=clock.on_expiry)
    db.session.add(d)
    return d


def _close(d: Deadline, status: str, now: dt.datetime) -> None:
    if status not in CLOSED_STATUSES:
        raise ClockError(f"{status!r} does not close a deadline")
    d.status, d.closed_at, d.paused_at = status, now, None
    for pause in d.pauses:
        if pause.ended_at is None:
            pause.ended_at = now


def _pause(case: Case, d: Deadline, state: str, now: dt.datetime) -> None:
    d.status, d.paused_at = PAUSED, now
    case.pauses.append(ClockPause(deadline=d, clock_name=d.name, state=state, started_at=now))


def _resume(d: Deadline, cal: WorkCalendar, now: dt.datetime) -> None:
    if d.paused_at is None:  # pragma: no cover - only a paused deadline is resumed
        raise ValueError(f"deadline {d.id} is not paused")
    taken = periods.lost(d.unit, d.paused_at, now, cal)
    due = periods.extend(periods.Due(d.due_at, d.due_date, d.estimated), d.unit, taken, cal)
    d.due_at, d.due_date, d.estimated = due.at, due.day, due.estimated
    d.status, d.paused_at = RUNNING, None
    for pause in d.pauses:
        if pause.ended_at is None:
            pause.ended_at = now
            pause.working_days = taken if d.unit == periods.WORKING_DAYS else None


# -- services ----------------------------------------------------------------------------------


def extend(case: Case, name: str, length: int, *, cal: WorkCalendar | None = None) -> Deadline:
    """Move the open deadline ``name`` ``length`` units (of its own) later: a statutory extension
    (行政许可法 Art. 42 ¶1).  The firing that extends it records the audit event."""
    d = find(case, name)
    if d is None:
        raise ClockError(f"case {case.id} has no open deadline {name!r}")
    due = periods.extend(periods.Due(d.due_at, d.due_date, d.estimated), d.unit, length, cal or current_calendar())
    d.due_at, d.due_date, d.estimated = due.at, due.day, due.estimated
    if d.length is not None:
        d.length += length
    sync(case)
    return d


def start(case: Case, name: str, *, at: dt.datetime, actor,
          cal: WorkCalendar | None = None) -> Deadline:
    """Start the workflow's clock ``name`` from the recorded event time ``at`` (the service of a
    notice, the moment a firm became aware of an incident), which may lie in the past.

    An open deadline of that name is replaced (cancelled).  Flushes and writes one audit event;
    the caller's unit of work commits."""
    clock = workflow_clock(types.workflow(case.case_type), name)
    if clock is None:
        raise ClockError(f"{case.case_type} has no clock {name!r}")
    return _begin(case, rule(case.case_type, clock), _utc(at), DeadlineKind.STATUTORY.value,
                  cal or current_calendar(), actor, "deadline.start")


def add_due_item(case: Case, *, name: str, kind: str, actor, label: str = "",
                 due_at: dt.datetime | dt.date | None = None, unit: str | None = None,
                 length: int | None = None, at: dt.datetime | None = None,
                 on_expiry: str | None = None, cal: WorkCalendar | None = None) -> Deadline:
    """Add a due item: either a fixed ``due_at`` (a date: to the end of that day in Shanghai; a
    datetime: to that instant) or a period of ``length`` ``unit`` from ``at`` (default now; the
    length configured for the case type wins).  ``on_expiry``: the trigger the timer fires.

    An open item of that name is replaced (cancelled).  Flushes and writes one audit event."""
    if kind not in KINDS:
        raise ClockError(f"kind must be one of {', '.join(KINDS)}")
    if (due_at is None) == (unit is None or length is None):
        raise ClockError("give either due_at, or unit and length")
    start_at, cal = _utc(at), cal or current_calendar()
    if due_at is None:
        clock = rule(case.case_type, Clock(name, length, label, unit=unit, on_expiry=on_expiry))
        return _begin(case, clock, start_at, kind, cal, actor, "deadline.add")
    if isinstance(due_at, dt.datetime):
        fixed, fixed_unit = periods.at_instant(_utc(due_at)), periods.HOURS
    else:
        fixed, fixed_unit = periods.on_day(due_at), periods.CALENDAR_DAYS
    clock = Clock(name, 0, label, unit=fixed_unit, on_expiry=on_expiry)
    return _begin(case, clock, start_at, kind, cal, actor, "deadline.add", due=fixed)


def _begin(case: Case, clock: Clock, at: dt.datetime, kind: str, cal: WorkCalendar, actor,
           action: str, due: periods.Due | None = None) -> Deadline:
    deadlines = open_deadlines(case)
    for old in deadlines:
        if old.name == clock.name:
            _close(old, CANCELLED, utcnow())
    db.session.flush()  # the replaced one is closed before its successor takes the name
    d = _new(case, clock, at, kind, cal, due)
    deadlines.append(d)
    sync(case, deadlines)
    db.session.flush()
    record(action, actor=actor, case=case, object_type="deadline", object_id=d.id,
           details=_details(d))
    return d


def close(case: Case, name: str, *, actor, status: str = MET,
          at: dt.datetime | None = None) -> Deadline | None:
    """Close the open deadline ``name`` (``met``: done; ``cancelled``: no longer owed).  None
    when it is not open.  Flushes and writes one audit event."""
    d = find(case, name)
    if d is None:
        return None
    _close(d, status, _utc(at))
    sync(case)
    db.session.flush()
    record("deadline.close", actor=actor, case=case, object_type="deadline", object_id=d.id,
           details={**_details(d), "status": status})
    return d


def _details(d: Deadline) -> dict[str, Any]:
    return {"name": d.name, "label": d.label, "kind": d.kind, "unit": d.unit, "length": d.length,
            "started_at": d.started_at.isoformat(), "due_at": d.due_at.isoformat(),
            "due_date": d.due_date.isoformat(), "estimated": d.estimated,
            "on_expiry": d.on_expiry}


# -- calendar changes --------------------------------------------------------------------------


def recompute(d: Deadline, cal: WorkCalendar) -> periods.Due:
    """The end of a working-day deadline under ``cal``: its length plus every finished pause,
    each re-measured (its row is updated)."""
    if d.unit != periods.WORKING_DAYS or d.length is None:
        return periods.Due(d.due_at, d.due_date, d.estimated)
    taken = 0
    for pause in d.pauses:
        if pause.ended_at is not None:
            pause.working_days = int(periods.lost(d.unit, pause.started_at, pause.ended_at, cal))
            taken += pause.working_days
    return periods.due(d.started_at, d.unit, d.length + taken, cal)


def refresh_estimated_deadlines(cal: WorkCalendar, *, actor) -> list[int]:
    """Recompute every open estimated deadline under ``cal`` (after a year's arrangement was
    entered); one audit event per deadline that moves or stops being estimated.  Returns the ids
    of the cases changed; the caller's unit of work commits."""
    changed: list[int] = []
    rows = db.session.execute(
        db.select(Deadline).where(Deadline.estimated.is_(True), Deadline.status.in_(OPEN_STATUSES))
        .order_by(Deadline.case_id, Deadline.id)).scalars().all()
    now = utcnow()
    for d in rows:
        new = recompute(d, cal)
        if (new.day, new.estimated) == (d.due_date, d.estimated):
            continue
        before = d.due_date
        d.due_at, d.due_date, d.estimated = new.at, new.day, new.estimated
        if d.flagged_overdue_at is not None and d.due_at > now:
            d.flagged_overdue_at = None
        case = d.case
        sync(case)
        db.session.flush()
        record("case.deadline_recalculated", actor=actor, case=case, object_type="case",
               object_id=case.id, details={"clock": d.name, "deadline_id": d.id,
                                           "from": before.isoformat(), "to": new.day.isoformat(),
                                           "estimated": new.estimated})
        if case.id not in changed:
            changed.append(case.id)
    return changed


def _on_calendar_changed(_sender, *, calendar: WorkCalendar, actor, **_kw) -> list[int]:
    return refresh_estimated_deadlines(calendar, actor=actor)


def install(app) -> None:
    """Wire the clocks into an app: check ``CASE_CLOCKS``, follow calendar changes, and the
    timer (periodic task ``deadlines`` and ``flask cases tick``)."""
    from supervision.cases import timers
    from supervision.workdays.signals import calendar_changed

    check_configuration(app.config.get("CASE_CLOCKS") or {})
    calendar_changed.connect(_on_calendar_changed)
    timers.install(app)
