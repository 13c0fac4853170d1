"""Who runs a queued job: a thread pool in this process (embedded default) or RQ on Redis.

Neither runner holds state the database does not: a job is its row, so a restart loses nothing
but the work in progress, which a retry redoes.  The RQ worker's entry points (``execute``,
``run_periodic``) live in the top-level ``worker`` module, which builds the app; nothing in
this package does.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Flask, current_app

from supervision.extensions import db
from supervision.jobs import periodic
from supervision.jobs.execution import run_job

log = logging.getLogger(__name__)
QUEUE_NAME = "supervision"
RQ_EXECUTE = "worker.execute"  # the dotted paths RQ imports in the worker process
RQ_RUN_PERIODIC = "worker.run_periodic"


def init_app(app: Flask) -> None:
    app.extensions["jobs"] = {"executor": None, "futures": set(), "lock": threading.Lock(),
                              "timer": None, "timer_checked": False}

    @app.before_request
    def _start_periodic_timer() -> None:
        """The embedded runner's scheduler starts with the first request this process serves
        (so CLI commands and a preloading gunicorn master never run one)."""
        state = app.extensions["jobs"]
        if not state["timer_checked"]:
            state["timer_checked"] = True
            if app.config.get("JOB_RUNNER", "thread") == "thread":
                periodic.start_timer(app)


def queue_name(app: Flask) -> str:
    return app.config.get("JOB_QUEUE", QUEUE_NAME)


def dispatch(job_id: int) -> None:
    """Hand a committed job to the configured runner."""
    app = current_app._get_current_object()
    runner = app.config.get("JOB_RUNNER", "thread")
    if runner == "rq":
        rq_queue(app).enqueue(RQ_EXECUTE, job_id, job_timeout=app.config.get("JOB_TIMEOUT", 3600))
    elif runner == "thread":
        _submit(app, run_in_app, app, job_id)
    else:
        raise RuntimeError(f"unknown JOB_RUNNER {runner!r}")


def run_task_soon(name: str) -> None:
    """Run the periodic task ``name`` once, soon, besides its schedule: a wake-up, such as the
    mail sender's after a commit that queued e-mails.  The task must be safe to run twice at
    once (every periodic task is)."""
    app = current_app._get_current_object()
    runner = app.config.get("JOB_RUNNER", "thread")
    if runner == "rq":
        rq_queue(app).enqueue(RQ_RUN_PERIODIC, name,
                              job_timeout=app.config.get("JOB_TIMEOUT", 3600))
    elif runner == "thread":
        _submit(app, _run_task, app, name)
    else:
        raise RuntimeError(f"unknown JOB_RUNNER {runner!r}")


def _submit(app: Flask, fn, *args) -> None:
    state = app.extensions["jobs"]
    with state["lock"]:
        if state["executor"] is None:
            state["executor"] = ThreadPoolExecutor(max_workers=app.config.get("JOB_THREADS", 2),
                                                   thread_name_prefix="job")
    future = state["executor"].submit(fn, *args)
    state["futures"].add(future)
    future.add_done_callback(state["futures"].discard)


def _run_task(app: Flask, name: str) -> None:
    from supervision.jobs import periodic

    try:
        periodic.run(app, name)
    except Exception:  # logged; the task's schedule tries again
        log.exception("task %s failed", name)


def rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(queue_name(app), connection=Redis.from_url(app.config["REDIS_URL"]))


def run_in_app(app: Flask, job_id: int) -> None:
    """Run one job in a fresh app context of ``app`` (a thread of the pool, an RQ worker)."""
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def drain(app: Flask, timeout: float = 60) -> bool:
    """Wait for the jobs the thread pool holds (tests, shutdown); True if all finished."""
    futures: set[Future] = set(app.extensions["jobs"]["futures"])
    done, pending = wait(futures, timeout=timeout)
    return not pending
