"""Periodic work: tasks a domain asks to have run every so often (the audit log's checkpoint).

A task decides for itself whether anything is due and must be safe when several processes run
it at the same moment; a scheduler only calls it often enough.  The schedulers:

- the embedded default (``JOB_RUNNER = "thread"``): a timer thread in each web process, started
  by the first request the process serves (gunicorn's workers each have one; that is safe);
- production (``JOB_RUNNER = "rq"``): RQ's own cron scheduler enqueues the tasks for the workers,
  ``rq cron rq_cron --url "$REDIS_URL"`` (the top-level ``rq_cron`` module; one such process
  per installation), and ``worker.run_periodic`` runs them;
- or the system's cron or a systemd timer calling the task's command (``flask audit checkpoint``).

Each call of a task is one unit of work: what it wrote commits when it returns, or nothing.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask

from supervision.core import uow
from supervision.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    run: Callable[[], object]         # called inside an app context
    every: Callable[[Flask], float]   # seconds between calls under this app's settings; 0: never


_TASKS: dict[str, PeriodicTask] = {}


def register(task: PeriodicTask) -> None:
    _TASKS[task.name] = task


def active(app: Flask) -> list[tuple[PeriodicTask, float]]:
    """The tasks this app's settings switch on, with their periods in seconds."""
    out = []
    for task in _TASKS.values():
        every = task.every(app)
        if every > 0:
            out.append((task, every))
    return out


def run(app: Flask, name: str) -> None:
    """Run one task in its own app context and unit of work (the timer thread, an RQ worker)."""
    with app.app_context():
        try:
            with uow.unit_of_work():
                _TASKS[name].run()
        finally:
            db.session.remove()


# -- the embedded scheduler: a timer thread ------------------------------------------------------


class Timer(threading.Thread):
    """Calls each active task once per period, the first time one period after the start."""

    def __init__(self, app: Flask):
        super().__init__(name="periodic", daemon=True)
        self.app = app
        self.stopped = threading.Event()

    def run(self) -> None:
        periods = {task.name: every for task, every in active(self.app)}
        due = {name: time.monotonic() + every for name, every in periods.items()}
        while due and not self.stopped.wait(max(0.0, min(due.values()) - time.monotonic())):
            for name in [n for n, at in due.items() if at <= time.monotonic()]:
                try:
                    run(self.app, name)
                except Exception:  # logged; the next period tries again
                    log.exception("periodic task %s failed", name)
                due[name] = time.monotonic() + periods[name]


def start_timer(app: Flask) -> Timer | None:
    """Start this process's timer (once); None when no task is switched on."""
    state = app.extensions["jobs"]
    with state["lock"]:
        if state["timer"] is None and active(app):
            state["timer"] = Timer(app)
            state["timer"].start()
        return state["timer"]


def stop_timer(app: Flask) -> None:
    state = app.extensions["jobs"]
    with state["lock"]:
        timer, state["timer"] = state["timer"], None
    if timer is not None:
        timer.stopped.set()
        timer.join(30)
