"""Entry points of the background processes (RQ, ``JOB_RUNNER = "rq"``), beside ``wsgi.py``:
like it, this module builds the app from the environment; nothing inside ``supervision`` does.

- ``execute(job_id)``: a queued job (``supervision.jobs.runners`` enqueues ``worker.execute``);
- ``run_periodic(name)``: a periodic task, enqueued by RQ's cron scheduler;
- ``register_periodic_tasks(register)``: hands the active periodic tasks to that scheduler
  (called by the ``rq_cron`` configuration module).

Run the workers with ``rq worker supervision --url "$REDIS_URL"`` and one scheduler per
installation with ``rq cron rq_cron --url "$REDIS_URL"``, both from this directory with the
app's environment (``SUPERVISION_ENV``, ``DATABASE_URL`` …).
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app, has_app_context

from supervision import create_app
from supervision.jobs import periodic, runners

_app: Flask | None = None


def app() -> Flask:
    """The app a job runs in: the current one (a worker inside a test or a command), or one
    built once per process from the environment."""
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        _app = create_app()
    return _app


def execute(job_id: int) -> None:
    """The RQ entry point of a job."""
    runners.run_in_app(app(), job_id)


def run_periodic(name: str) -> None:
    """The RQ entry point of a periodic task (each call one unit of work)."""
    periodic.run(app(), name)


def register_periodic_tasks(register: Callable[..., object], flask_app: Flask | None = None) -> None:
    """Hand the active tasks to RQ's cron scheduler (``rq.cron.register`` or a
    ``CronScheduler``'s ``register``): each is enqueued on the app's queue every period."""
    flask_app = flask_app or app()
    for task, every in periodic.active(flask_app):
        register(run_periodic, runners.queue_name(flask_app), args=(task.name,),
                 interval=max(1, round(every)), job_timeout=flask_app.config.get("JOB_TIMEOUT", 3600),
                 name=f"supervision.{task.name}")
