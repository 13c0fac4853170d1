"""Starting and retrying jobs: the only code that queues a job row.

``enqueue`` and ``retry`` write the row and its audit event and flush; the unit of work of the
request (or command) commits, and only then is the job handed to the runner
(``uow.after_commit``): a runner never sees a job that was rolled back.  Running a job is
``execution.run_job``'s.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from typing import Any

from supervision.audit.services import record
from supervision.core import uow
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.jobs import runners
from supervision.jobs.execution import JobFailed, JobKind, JobResult, Progress, finish, kind, register
from supervision.jobs.models import Job, JobStatus
from workflows.base import N_

__all__ = ["enqueue", "retry", "stalled", "JobFailed", "JobKind", "JobResult", "Progress", "register"]

log = logging.getLogger(__name__)
QUEUE_DOWN = N_("The job queue is not reachable. Try again later.")


def enqueue(kind_name: str, payload: dict[str, Any], actor, *, case=None) -> Job:
    """Write a queued job and its audit event; the runner gets it once they are committed."""
    spec = kind(kind_name)
    job = Job(kind=kind_name, payload=json.dumps(payload, sort_keys=True), created_by_id=actor.id,
              case_id=case.id if case is not None else None, status=JobStatus.QUEUED.value)
    db.session.add(job)
    db.session.flush()
    record(spec.audit_action, actor=actor, case=case, object_type="job", object_id=job.id,
           details={"job_id": job.id, "kind": kind_name, **payload})
    uow.after_commit(functools.partial(_dispatch, job.id))
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
    db.session.flush()
    record("job.retry", actor=actor, case=job.case, object_type="job", object_id=job.id,
           details={"job_id": job.id, "kind": job.kind})
    uow.after_commit(functools.partial(_dispatch, job.id))
    return job


def _dispatch(job_id: int) -> None:
    """After the commit: hand the job to the runner; if the queue is down, say so on the job
    (in a unit of work of its own) instead of losing it."""
    try:
        runners.dispatch(job_id)
    except Exception:
        log.exception("could not dispatch job %s", job_id)
        with uow.unit_of_work():
            finish(job_id, JobStatus.FAILED, message=QUEUE_DOWN)
