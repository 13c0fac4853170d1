"""Background jobs: the row, its audit event, both runners (thread pool and RQ on Redis), and
the unit of work around them: a job reaches its runner only once committed, and its work
commits with its result or not at all."""
from __future__ import annotations

import os
import threading

import pytest

from supervision.audit.models import AuditEvent
from supervision.audit.services import record
from supervision.core import uow
from supervision.extensions import db
from supervision.jobs import runners
from supervision.jobs import services as jobs
from supervision.jobs.models import Job

# One Redis serves every test process on the machine (xdist workers, concurrent runs): each
# process uses its own queue, so none empties or works off another's jobs.
TEST_QUEUE = f"supervision-tests-{os.getpid()}"

_gate = threading.Event()
_seen_threads: list[str] = []


def _write_result(job, payload, progress):
    _seen_threads.append(threading.current_thread().name)
    progress(50, "half way")
    if payload.get("wait"):
        assert _gate.wait(10)
    if payload.get("explode"):
        raise RuntimeError("boom")
    return jobs.JobResult(path=f"/tmp/result-{job.id}-{payload['n']}", sha256="ab" * 32, size=payload["n"])


jobs.register(jobs.JobKind("test.echo", _write_result, audit_action="job.test"))


def _record_then_fail(job, payload, progress):
    """Writes an event of its own, then fails (or not) half-way."""
    record("test.job_work", object_type="job", object_id=job.id)
    if payload.get("explode"):
        raise RuntimeError("half-way")
    return jobs.JobResult(path=f"/tmp/result-{job.id}", sha256="cd" * 32, size=1)


jobs.register(jobs.JobKind("test.half", _record_then_fail, audit_action="job.test"))


def enqueue(*args, **kwargs) -> Job:
    """Start a job as a request does: the request's unit of work commits it."""
    with uow.unit_of_work():
        return jobs.enqueue(*args, **kwargs)


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_thread_runner_returns_at_once_and_finishes_in_the_background(app, world):
    _gate.clear()
    job = enqueue("test.echo", {"n": 7, "wait": True}, world.officer)
    # The caller got the row back while the job is still waiting on the gate.
    assert _job(job.id).status in ("queued", "running")
    _gate.set()
    assert runners.drain(app, 10)
    done = _job(job.id)
    assert (done.status, done.progress, done.result_size, done.attempts) == ("done", 100, 7, 1)
    assert done.result_path == f"/tmp/result-{job.id}-7"
    assert done.finished_at is not None and done.created_by_id == world.officer.id
    assert _seen_threads[-1].startswith("job")  # ran on the pool, not in the caller's thread
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "job.test")).scalar_one()
    assert event.object_id == str(job.id) and event.actor_id == world.officer.id


def test_a_failing_job_is_marked_failed_with_a_message_and_no_result(app, world):
    job = enqueue("test.echo", {"n": 1, "explode": True}, world.officer)
    assert runners.drain(app, 10)
    failed = _job(job.id)
    assert (failed.status, failed.result_path, failed.attempts) == ("failed", None, 1)
    assert failed.message == "The job failed. Retry it; if it fails again, tell the administrator."


def test_only_a_failed_job_is_retried_and_a_retry_runs_again(app, world):
    job = enqueue("test.echo", {"n": 3, "explode": True}, world.officer)
    assert runners.drain(app, 10)
    row = _job(job.id)
    row.payload = '{"n": 3}'  # the cause of the failure went away
    db.session.commit()
    with uow.unit_of_work():
        jobs.retry(_job(job.id), actor=world.officer)
    assert runners.drain(app, 10)
    again = _job(job.id)
    assert (again.status, again.attempts, again.result_size) == ("done", 2, 3)
    with pytest.raises(jobs.JobFailed):
        jobs.retry(again, actor=world.officer)


def test_an_unknown_runner_leaves_the_job_failed_with_a_message(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "nonsense")
    enqueue("test.echo", {"n": 1}, world.officer)  # committed; then the runner is not found
    db.session.expire_all()
    job = db.session.execute(db.select(Job)).scalar_one()
    assert job.status == "failed" and "not reachable" in job.message


def test_a_job_reaches_its_runner_only_after_the_commit_and_never_after_a_rollback(app, world, monkeypatch):
    handed: list[int] = []
    monkeypatch.setattr(runners, "dispatch", handed.append)
    uow.commit()  # the world
    job = jobs.enqueue("test.echo", {"n": 1}, world.officer)
    assert handed == []                      # flushed, not committed: no runner sees it yet
    uow.rollback()
    assert handed == [] and db.session.execute(db.select(Job)).first() is None
    job = jobs.enqueue("test.echo", {"n": 2}, world.officer)
    uow.commit()
    assert handed == [job.id]


def test_a_failing_job_leaves_nothing_of_its_work(app, world):
    job = enqueue("test.half", {"explode": True}, world.officer)
    assert runners.drain(app, 10)
    assert _job(job.id).status == "failed"
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "test.job_work")).first() is None


def test_a_replayed_job_runs_once(app, world):
    """A runner that delivers a job again (an RQ retry after a lost acknowledgement, a second
    thread) finds it taken: its work is written once, with the job's result."""
    job = enqueue("test.half", {}, world.officer)
    assert runners.drain(app, 10)
    runners.run_in_app(app, job.id)          # the replay
    done = _job(job.id)
    assert (done.status, done.attempts, done.progress) == ("done", 1, 100)
    work = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "test.job_work")).all()
    assert len(work) == 1


def _redis_available() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_available(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_rq_runner_with_a_real_redis_and_a_burst_worker(app, world, monkeypatch):
    from redis import Redis
    from rq import SimpleWorker

    monkeypatch.setitem(app.config, "JOB_RUNNER", "rq")
    monkeypatch.setitem(app.config, "JOB_QUEUE", TEST_QUEUE)
    queue = runners.rq_queue(app)
    queue.empty()
    job = enqueue("test.echo", {"n": 11}, world.officer)
    assert queue.jobs[0].func_name == "worker.execute"  # the top-level entry point builds the app
    assert _job(job.id).status == "queued"          # nothing ran in the request
    assert queue.count == 1
    worker = SimpleWorker([queue], connection=Redis.from_url(app.config["REDIS_URL"]))
    assert worker.work(burst=True)
    done = _job(job.id)
    assert (done.status, done.progress, done.result_size) == ("done", 100, 11)
    assert queue.count == 0
    queue.delete(delete_jobs=True)


def test_a_job_whose_worker_died_can_be_retried_once_stale(app, world, monkeypatch):
    import datetime as dt

    from supervision.core.timeutil import utcnow

    monkeypatch.setattr(runners, "dispatch", lambda job_id: None)  # nobody runs it
    job = enqueue("test.echo", {"n": 5}, world.officer)
    row = _job(job.id)
    row.status, row.started_at = "running", utcnow() - dt.timedelta(minutes=30)
    db.session.commit()
    with pytest.raises(jobs.JobFailed):       # still within the hour a job may take
        jobs.retry(_job(job.id), actor=world.officer)
    row = _job(job.id)
    row.started_at = utcnow() - dt.timedelta(hours=2)
    db.session.commit()
    monkeypatch.undo()
    with uow.unit_of_work():
        jobs.retry(_job(job.id), actor=world.officer)
    assert runners.drain(app, 10)
    assert _job(job.id).status == "done"
