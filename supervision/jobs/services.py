"""Starting, running and retrying jobs; the only code that changes a job row.

``enqueue`` writes the row and its audit event in one commit and only then hands the job to
the runner, so a runner never sees a job that was rolled back.  ``run_job`` executes in its own
app context (a thread of the pool, or an RQ worker) and records progress as it goes.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

from supervision.audit.services import record
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.jobs.models import Job, JobStatus
from workflows.base import N_

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobResult:
    path: str
    sha256: str
    size: int


class JobFailed(Exception):
    """A job function's refusal with a message for the user (N_-marked)."""


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[["Job", dict[str, Any], "Progress"], JobResult]
    audit_action: str                      # the event written when the job is started
    on_failure: Callable[["Job", BaseException], None] | None = None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    _KINDS[kind.name] = kind


class Progress:
    """Handed to a job function: ``progress(40, N_("Rendering the PDF"))`` records it at once.

    It writes on its own connection, so the job's session is not committed (a commit would
    expire every object the job has loaded and reload them one by one; STACK trap 10)."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, percent: int, message: str | None = None) -> None:
        percent = max(0, min(99, int(percent)))  # 100 only once the result is in place
        with db.engine.begin() as conn:
            conn.execute(db.update(Job).where(Job.id == self.job_id)
                         .values(progress=percent, message=message))


def enqueue(kind: str, payload: dict[str, Any], actor, *, case=None) -> Job:
    """Write a queued job and its audit event, commit, then dispatch it to the runner."""
    spec = _KINDS[kind]
    job = Job(kind=kind, payload=json.dumps(payload, sort_keys=True), created_by_id=actor.id,
              case_id=case.id if case is not None else None, status=JobStatus.QUEUED.value)
    try:
        db.session.add(job)
        db.session.flush()
        record(spec.audit_action, actor=actor, case=case, object_type="job", object_id=job.id,
               details={"job_id": job.id, "kind": kind, **payload})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _dispatch(job)
    return job


def stalled(job: Job) -> bool:
    """Running for longer than ``JOB_STALE_SECONDS``: its worker most likely died."""
    from flask import current_app

    limit = dt.timedelta(seconds=current_app.config.get("JOB_STALE_SECONDS", 3600))
    return (job.status == JobStatus.RUNNING.value and job.started_at is not None
            and utcnow() - job.started_at > limit)


def retry(job: Job, *, actor) -> Job:
    """Run a failed (or stalled) job again from scratch; its half-done files were never
    published, so the new attempt starts clean."""
    if not (job.status == JobStatus.FAILED.value or stalled(job)):
        raise JobFailed(N_("Only a failed or stalled job can be retried."))
    job.status, job.progress, job.message = JobStatus.QUEUED.value, 0, None
    job.finished_at = None
    record("job.retry", actor=actor, case=job.case, object_type="job", object_id=job.id,
           details={"job_id": job.id, "kind": job.kind})
    db.session.commit()
    _dispatch(job)
    return job


def _dispatch(job: Job) -> None:
    from supervision.jobs import runners

    try:
        runners.dispatch(job.id)
    except Exception as err:  # the queue is down: say so on the job instead of losing it
        log.exception("could not dispatch job %s", job.id)
        db.session.rollback()
        _finish(job.id, JobStatus.FAILED, message=N_("The job queue is not reachable. Try again later."))
        raise JobFailed(N_("The job queue is not reachable. Try again later.")) from err


def _finish(job_id: int, status: JobStatus, *, message: str | None = None,
            result: JobResult | None = None) -> None:
    values: dict[str, Any] = {"status": status.value, "finished_at": utcnow(), "message": message}
    if result is not None:
        values.update(progress=100, result_path=result.path, result_sha256=result.sha256,
                      result_size=result.size)
    db.session.execute(db.update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def run_job(job_id: int) -> None:
    """Execute one job (called by a runner inside its own app context)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED.value:
        db.session.rollback()
        return  # already run, or running elsewhere
    spec = _KINDS[job.kind]
    job.status, job.started_at, job.progress = JobStatus.RUNNING.value, utcnow(), 0
    job.attempts += 1
    db.session.commit()
    payload = json.loads(job.payload or "{}")
    try:
        result = spec.run(job, payload, Progress(job_id))
    except BaseException as err:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, spec.name)
        message = str(err) if isinstance(err, JobFailed) else N_("The job failed. Retry it; if it fails again, tell the administrator.")
        _finish(job_id, JobStatus.FAILED, message=message)
        if spec.on_failure is not None:
            try:
                spec.on_failure(db.session.get(Job, job_id), err)
            except Exception:  # the job stays failed; the failure hook must not mask it
                db.session.rollback()
                log.exception("failure hook of job %s failed", job_id)
        if not isinstance(err, Exception):
            raise
        return
    _finish(job_id, JobStatus.DONE, result=result)
