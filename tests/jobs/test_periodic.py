"""Periodic tasks: the embedded timer (started by the first request a process serves) and RQ's
cron scheduler both run the audit log's checkpoint, which signs only when it is due."""
from __future__ import annotations

import contextvars
import importlib
import sys
import time

import pytest

from supervision.audit.services import record_now
from supervision.dossiers.models import Checkpoint
from supervision.extensions import db
import worker
from supervision.jobs import periodic
from tests.dossiers.conftest import dossier_env  # noqa: F401  (keys in the test's folder)
from tests.jobs.test_jobs import TEST_QUEUE, _redis_available


def sizes() -> list[int]:
    db.session.expire_all()
    sizes = db.session.execute(db.select(Checkpoint.tree_size).order_by(Checkpoint.tree_size)).scalars().all()
    db.session.commit()  # no read transaction of the test's stays open beside the timer's
    return sizes


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def timer_off(app):
    yield
    periodic.stop_timer(app)
    app.extensions["jobs"]["timer_checked"] = False


def test_the_first_request_starts_the_timer_which_signs_when_the_log_grew(
        app, world, client, dossier_env, timer_off, monkeypatch):
    # Every 0.3 s (a minute is far too long for a test), embedded thread runner.
    monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", 0.005)
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")
    app.extensions["jobs"]["timer_checked"] = False
    assert app.extensions["jobs"]["timer"] is None
    client.get("/")
    assert app.extensions["jobs"]["timer"] is not None
    assert wait_for(lambda: len(sizes()) == 1)
    first = sizes()[0]
    time.sleep(1.0)                         # three periods without new events
    assert sizes() == [first]
    record_now("test.noise", actor=world.admin)
    assert wait_for(lambda: len(sizes()) == 2)
    assert sizes() == [first, first + 1]


def test_no_timer_when_checkpoints_are_switched_off_or_rq_schedules_them(app, client, timer_off, monkeypatch):
    for runner, minutes in (("thread", 0), ("rq", 60)):
        monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", minutes)
        monkeypatch.setitem(app.config, "JOB_RUNNER", runner)
        app.extensions["jobs"]["timer_checked"] = False
        client.get("/")
        assert app.extensions["jobs"]["timer"] is None, runner


def test_the_rq_cron_configuration_registers_the_checkpoint_every_five_minutes(app, monkeypatch):
    import rq.cron

    registered = []
    monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", 60)
    monkeypatch.setattr(rq.cron, "register", lambda func, queue_name, **kw: registered.append((func, queue_name, kw)))
    monkeypatch.delitem(sys.modules, "rq_cron", raising=False)
    importlib.import_module("rq_cron")   # what `rq cron rq_cron` loads (in the test's app context)
    [(func, queue, options)] = registered
    assert f"{func.__module__}.{func.__name__}" == "worker.run_periodic"
    assert func is worker.run_periodic
    assert queue == "supervision" and options["args"] == ("checkpoint",) and options["interval"] == 300


def test_the_worker_builds_its_own_app_outside_an_app_context(app, monkeypatch):
    """``rq worker`` imports ``worker`` with no app around it: the module builds one from the
    environment, once per process."""
    built = []
    monkeypatch.setattr(worker, "create_app", lambda: built.append(1) or app)
    monkeypatch.setattr(worker, "_app", None)
    ctx = contextvars.Context()            # no app context in here, as in a fresh worker process
    assert ctx.run(worker.app) is app and ctx.run(worker.app) is app
    assert built == [1]


@pytest.mark.skipif(not _redis_available(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_rq_cron_enqueues_the_checkpoint_and_a_worker_signs_it(app, world, dossier_env, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker
    from rq.cron import CronScheduler

    monkeypatch.setitem(app.config, "CHECKPOINT_INTERVAL_MINUTES", 60)
    monkeypatch.setitem(app.config, "JOB_QUEUE", TEST_QUEUE)
    redis = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(TEST_QUEUE, connection=redis)
    queue.empty()
    scheduler = CronScheduler(connection=redis, name=f"{TEST_QUEUE}-cron")
    worker.register_periodic_tasks(scheduler.register, app)
    assert [job.interval for job in scheduler.get_jobs()] == [300]
    assert len(scheduler.enqueue_jobs()) == 1      # RQ runs an interval job at once, then each period
    assert queue.count == 1 and sizes() == []
    assert SimpleWorker([queue], connection=redis).work(burst=True)
    assert sizes() == [db.session.execute(db.select(db.func.max(Checkpoint.tree_size))).scalar()]
    assert len(sizes()) == 1
    assert scheduler.enqueue_jobs() == []          # not again before the period is over
    queue.delete(delete_jobs=True)
