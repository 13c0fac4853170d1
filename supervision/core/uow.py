"""The unit of work: one commit per web request, CLI command and job (Indico's ``RH.process``).

Services change state and flush; they never commit.  The boundary that called them commits
once when it finished without error and rolls everything back otherwise:

- a web request: ``install`` runs every view inside a unit of work; a response with a status
  below 400 commits, an error page or an exception rolls back;
- a CLI command: ``@command`` instead of ``@with_appcontext``;
- a job or a periodic task: its runner wraps the call in ``unit_of_work()``.

``after_commit(fn)`` queues ``fn`` to run once the commit has succeeded (handing a job to its
runner, waking the mail sender); a rollback drops it, so nothing leaves the process for a
change that did not happen.

``after_rollback(fn)`` queues ``fn`` to run if the unit of work rolls back instead (removing a
file the failed work had just written to the document store), so nothing is left half-written.

``pending_changes()`` tells whether the session holds work of this unit that is not yet
committed (added, changed or deleted objects, or anything already flushed); code that must
commit on its own (``audit.services.record_now``) refuses to run over such work.
"""
from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import event
from sqlalchemy.orm.exc import StaleDataError

from supervision.core.errors import Conflict
from supervision.extensions import db

log = logging.getLogger(__name__)
_AFTER_COMMIT = "supervision.after_commit"
_AFTER_ROLLBACK = "supervision.after_rollback"
_WROTE = "supervision.wrote"  # set by a flush or a DML statement, cleared when the transaction ends


@event.listens_for(db.session, "after_flush")
def _flushed(session, _flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(db.session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(db.session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def pending_changes(*, allowed: tuple = ()) -> bool:
    """Whether the session holds uncommitted work other than the objects in ``allowed``:
    something flushed in this transaction, or added, changed or deleted objects."""
    session = db.session()
    if session.info.get(_WROTE):
        return True
    changed = [o for o in session.dirty if session.is_modified(o)]
    return any(o not in allowed for o in (*session.new, *changed, *session.deleted))


def after_commit(fn: Callable[[], Any], *, once: bool = False) -> None:
    """Run ``fn`` after the current unit of work commits (never if it rolls back).  ``once``:
    not again if ``fn`` already waits for this commit (a wake-up that one call is enough for)."""
    waiting = db.session.info.setdefault(_AFTER_COMMIT, [])
    if not (once and fn in waiting):
        waiting.append(fn)


_RESPONSE_HOOKS: list[Callable[[Any], None]] = []


def before_response_commit(fn: Callable[[Any], None]) -> None:
    """Register ``fn(response)``, called inside a request's unit of work just before a successful
    response commits (the one-time form token notes where the submission led)."""
    if fn not in _RESPONSE_HOOKS:
        _RESPONSE_HOOKS.append(fn)


def after_rollback(fn: Callable[[], Any]) -> None:
    """Run ``fn`` if the current unit of work rolls back (never after a commit)."""
    db.session.info.setdefault(_AFTER_ROLLBACK, []).append(fn)


def commit() -> None:
    """Commit the session, then run what waited for the commit.  A concurrent change to a
    versioned row (optimistic lock) surfaces as ``Conflict``."""
    try:
        db.session.commit()
    except StaleDataError as err:
        rollback()
        raise Conflict() from err
    except BaseException:  # nothing was committed: what waited for the commit never runs
        rollback()
        raise
    db.session.info.pop(_AFTER_ROLLBACK, None)
    for fn in db.session.info.pop(_AFTER_COMMIT, []):
        try:
            fn()
        except Exception:  # the change is durable; a follow-up that fails is logged, not undone
            log.exception("after-commit callback %r failed", fn)


def rollback() -> None:
    db.session.info.pop(_AFTER_COMMIT, None)
    undo = db.session.info.pop(_AFTER_ROLLBACK, [])
    db.session.rollback()
    for fn in undo:
        try:
            fn()
        except Exception:
            log.exception("after-rollback callback %r failed", fn)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did if it finished; roll all of it back if it raised."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def _in_unit_of_work(view: Callable) -> Callable:
    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            rollback()
            raise
        if response.status_code < 400:
            for hook in _RESPONSE_HOOKS:
                hook(response)
            commit()
        else:
            rollback()
        return response

    return run


def install(app: Flask) -> None:
    """Wrap every view registered so far (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "_unit_of_work", False):
            wrapped = _in_unit_of_work(view)
            wrapped._unit_of_work = True  # type: ignore[attr-defined]
            app.view_functions[endpoint] = wrapped


def command(fn: Callable) -> Callable:
    """A click command that runs in the app context as one unit of work."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any):
        with unit_of_work():
            return fn(*args, **kwargs)

    return with_appcontext(run)
