"""The deadline timer: what happens when a deadline runs out, done by the system actor.

For every running deadline whose end has come (and that is not yet flagged), ``tick`` either
fires the deadline's ``on_expiry`` trigger through the case engine as ``core.actors.SYSTEM`` (a
lapse), closing the deadline as ``expired`` in the same transaction, or, when it has no trigger
(or the trigger no longer applies to the case), flags it overdue once: ``flagged_overdue_at``
and the audit event ``deadline.overdue``.

Each deadline is handled in its own transaction under a lock that re-checks it (PostgreSQL:
``FOR UPDATE SKIP LOCKED`` on its row; SQLite: the database's write lock), so processes that
run the task at the same moment handle each expiry exactly once.  Scheduled as the periodic task
``deadlines`` every ``DEADLINE_CHECK_SECONDS`` (0: off), or run once by ``flask cases tick``.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import click
from flask import Flask
from flask.cli import with_appcontext

from supervision.audit.services import record
from supervision.cases import clocks
from supervision.cases.models import Case, Deadline, deadline_tag
from supervision.core import uow
from supervision.core.actors import SYSTEM
from supervision.core.database import is_postgres, lock_for_writing
from supervision.extensions import db
from workflows.base import InvalidTrigger, TransitionRefused

log = logging.getLogger(__name__)
_PG_LOCK_KEY = 0x444541444C  # "DEADL"; only SQLite takes this path (its write lock)


@dataclass
class TickResult:
    fired: list[int] = field(default_factory=list)     # deadlines whose expiry trigger fired
    flagged: list[int] = field(default_factory=list)   # deadlines flagged overdue
    failed: list[int] = field(default_factory=list)    # left for the next tick (logged)


def expired_ids(now: dt.datetime, limit: int) -> list[int]:
    """Running deadlines that have run out and were not yet handled, oldest first."""
    return list(db.session.execute(
        db.select(Deadline.id)
        .where(Deadline.status == clocks.RUNNING, Deadline.flagged_overdue_at.is_(None),
               Deadline.due_at <= now)
        .order_by(Deadline.due_at, Deadline.id).limit(limit)).scalars())


def tick(*, now: dt.datetime | None = None, limit: int = 500) -> TickResult:
    """Handle every deadline that has run out (up to ``limit``); one transaction each."""
    now = clocks._utc(now)
    result = TickResult()
    ids = expired_ids(now, limit)
    uow.commit()  # no read transaction of ours stays open while others act
    for deadline_id in ids:
        try:
            outcome = _handle(deadline_id, now)
        except Exception:  # the next tick tries again
            log.exception("deadline %s: handling its expiry failed", deadline_id)
            result.failed.append(deadline_id)
            continue
        if outcome == "fired":
            result.fired.append(deadline_id)
        elif outcome == "flagged":
            result.flagged.append(deadline_id)
    return result


def _claim(deadline_id: int, now: dt.datetime) -> Deadline | None:
    """The deadline, locked, if it is still running, run out and unhandled; else None (another
    process handled it or holds it now)."""
    query = (db.select(Deadline)
             .where(Deadline.id == deadline_id, Deadline.status == clocks.RUNNING,
                    Deadline.flagged_overdue_at.is_(None), Deadline.due_at <= now)
             .execution_options(populate_existing=True))
    if is_postgres():
        query = query.with_for_update(skip_locked=True)
    else:
        lock_for_writing(_PG_LOCK_KEY)
    return db.session.execute(query).scalar_one_or_none()


def _handle(deadline_id: int, now: dt.datetime) -> str | None:
    from supervision.cases import services  # the engine imports this package's clocks

    try:
        with uow.unit_of_work():
            d = _claim(deadline_id, now)
            if d is None:
                return None
            case = db.session.get(Case, d.case_id, populate_existing=True)
            if d.on_expiry is None:
                _flag(d, case, now)
                return "flagged"
            d.status, d.closed_at = clocks.EXPIRED, now
            clocks.sync(case)
            services.fire(case, d.on_expiry, actor=SYSTEM)
            return "fired"
    except TransitionRefused as err:
        refused = list(err.reasons)
    except InvalidTrigger as err:
        refused = [str(err)]
    # The trigger does not apply to the case as it is now: say the deadline is overdue instead.
    with uow.unit_of_work():
        d = _claim(deadline_id, now)
        if d is None:
            return None
        _flag(d, db.session.get(Case, d.case_id, populate_existing=True), now,
              {"trigger": d.on_expiry, "refused": refused})
        return "flagged"


def _flag(d: Deadline, case: Case, now: dt.datetime, extra: dict | None = None) -> None:
    d.flagged_overdue_at = now
    db.session.flush()
    record("deadline.overdue", actor=SYSTEM, case=case, object_type="deadline", object_id=d.id,
           details={"name": d.name, "kind": d.kind, "label": d.label, "unit": d.unit,
                    "due_at": d.due_at.isoformat(), "due_date": d.due_date.isoformat(),
                    **(extra or {})})
    # Those who owe or handle it are told (the case type's notification table decides who).
    from supervision.cases import services  # the engine imports this package's clocks

    services.notify_event(case, "deadline.overdue", SYSTEM, tags=frozenset({deadline_tag(d.kind)}),
                          params={"deadline": d.name, "due": d.due_date.isoformat()})


# -- scheduling --------------------------------------------------------------------------------


def check_seconds(app: Flask) -> float:
    """How often the periodic task looks; 0 when switched off."""
    return max(float(app.config.get("DEADLINE_CHECK_SECONDS") or 0), 0.0)


def run_periodic() -> TickResult:
    return tick()


@click.command("tick", help="Handle every deadline that has run out, once: fire its expiry "
                            "trigger as the system actor, or flag it overdue.")
@with_appcontext
def tick_command() -> None:
    result = tick()
    click.echo(f"{len(result.fired)} expiry triggers fired, {len(result.flagged)} deadlines "
               f"flagged overdue, {len(result.failed)} failed")
    if result.failed:
        raise SystemExit(1)


def install(app: Flask) -> None:
    from supervision.jobs import periodic

    periodic.register(periodic.PeriodicTask("deadlines", run_periodic, check_seconds))
    group = app.cli.commands.get("cases")
    if group is None:
        group = click.Group("cases", help="Cases.")
        app.cli.add_command(group)
    group.add_command(tick_command)
    from supervision.cases import reminders

    reminders.install(app, group)  # the reminder before a due item falls due
