"""Reminders before a due item falls due (a periodic report the firm owes).

The deadline timer (``timers``) already tells those concerned once when a deadline has run out
(``deadline.overdue``).  This task tells them once *before*: for every running deadline of a
kind in ``DEADLINE_REMINDER_KINDS`` whose due date is at most ``DEADLINE_REMINDER_DAYS``
calendar days away (and that has not run out), it records ``deadline.reminder`` and emits the
notification event ``deadline.due_soon`` (the case type's notification table decides who
hears), and sets ``reminded_at`` in the same transaction, so the reminder goes out exactly once
however many processes run the task.  A replaced due item (the next report) is a new row and
gets its own reminder.

Scheduled as the periodic task ``reminders`` with the deadline timer's period, or run once by
``flask cases remind``.
"""
from __future__ import annotations

import datetime as dt
import logging

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from supervision.audit.services import record
from supervision.cases import clocks
from supervision.cases.models import Case, Deadline, DeadlineKind, deadline_tag
from supervision.core import uow
from supervision.core.actors import SYSTEM
from supervision.core.database import is_postgres, lock_for_writing
from supervision.core.timeutil import local_date
from supervision.extensions import db

log = logging.getLogger(__name__)
_PG_LOCK_KEY = 0x52454D4E44  # "REMND"; only SQLite takes this path (its write lock)
DEFAULT_KINDS = (DeadlineKind.REPORT.value,)


def settings() -> tuple[int, tuple[str, ...]]:
    """(days before the due date, kinds reminded of) as configured."""
    days = int(current_app.config.get("DEADLINE_REMINDER_DAYS", 3) or 0)
    kinds = tuple(current_app.config.get("DEADLINE_REMINDER_KINDS") or DEFAULT_KINDS)
    return max(days, 0), kinds


def _due_condition(now: dt.datetime, days: int, kinds: tuple[str, ...]):
    horizon = local_date(now) + dt.timedelta(days=days)
    return (Deadline.status == clocks.RUNNING, Deadline.kind.in_(kinds),
            Deadline.reminded_at.is_(None), Deadline.flagged_overdue_at.is_(None),
            Deadline.due_date <= horizon, Deadline.due_at > now)


def due_ids(now: dt.datetime, limit: int) -> list[int]:
    days, kinds = settings()
    if not days or not kinds:
        return []
    return list(db.session.execute(
        db.select(Deadline.id).where(*_due_condition(now, days, kinds))
        .order_by(Deadline.due_at, Deadline.id).limit(limit)).scalars())


def remind(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Send every reminder that is due (up to ``limit``), one transaction each; the ids sent."""
    now = clocks._utc(now)
    ids = due_ids(now, limit)
    uow.commit()  # no read transaction of ours stays open while others act
    sent = []
    for deadline_id in ids:
        try:
            if _send(deadline_id, now):
                sent.append(deadline_id)
        except Exception:  # the next run tries again
            log.exception("deadline %s: its reminder failed", deadline_id)
    return sent


def _send(deadline_id: int, now: dt.datetime) -> bool:
    from supervision.cases import services  # the engine imports this package's clocks

    days, kinds = settings()
    with uow.unit_of_work():
        query = (db.select(Deadline).where(Deadline.id == deadline_id, *_due_condition(now, days, kinds))
                 .execution_options(populate_existing=True))
        if is_postgres():
            query = query.with_for_update(skip_locked=True)
        else:
            lock_for_writing(_PG_LOCK_KEY)
        d = db.session.execute(query).scalar_one_or_none()
        if d is None:
            return False  # another process sent it, or it was met meanwhile
        d.reminded_at = now
        case = db.session.get(Case, d.case_id, populate_existing=True)
        db.session.flush()
        record("deadline.reminder", actor=SYSTEM, case=case, object_type="deadline", object_id=d.id,
               details={"name": d.name, "kind": d.kind, "label": d.label,
                        "due_date": d.due_date.isoformat()})
        services.notify_event(case, "deadline.due_soon", SYSTEM, tags=frozenset({deadline_tag(d.kind)}),
                              params={"deadline": d.name, "due": d.due_date.isoformat()})
        return True


def run_periodic() -> list[int]:
    return remind()


@click.command("remind", help="Send the reminders of due items falling due soon, once each.")
@with_appcontext
def remind_command() -> None:
    click.echo(f"{len(remind())} reminders sent")


def install(app: Flask, group: click.Group) -> None:
    from supervision.cases.timers import check_seconds
    from supervision.jobs import periodic

    periodic.register(periodic.PeriodicTask("reminders", run_periodic, check_seconds))
    group.add_command(remind_command)
