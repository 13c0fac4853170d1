"""Running a job: the kinds of job, their progress, and ``run_job``, which a runner calls.

``run_job`` takes the job (a conditional update from ``queued`` to ``running``, committed: the
runner's bookkeeping), then runs the job's work in one unit of work together with the row's
``done``: the result and everything the job wrote commit at once, or none of it.  A failure
rolls the work back and marks the job ``failed`` (bookkeeping, committed), then calls the kind's
``on_failure`` in a unit of work of its own.  A runner that delivers the same job twice (a
replay) finds it no longer queued and does nothing.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

from supervision.core import uow
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


def kind(name: str) -> JobKind:
    return _KINDS[name]


class Progress:
    """Handed to a job function: ``progress(40, N_("Rendering the PDF"))`` records it at once.

    It writes on its own connection, outside the job's unit of work, so the page shows it while
    the job runs (and a commit would expire every object the job has loaded; STACK trap 10).
    On SQLite, call it before the job's own writes: those hold the database's write lock."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, percent: int, message: str | None = None) -> None:
        percent = max(0, min(99, int(percent)))  # 100 only once the result is in place
        with db.engine.begin() as conn:
            conn.execute(db.update(Job).where(Job.id == self.job_id)
                         .values(progress=percent, message=message))


def finish(job_id: int, status: JobStatus, *, message: str | None = None,
           result: JobResult | None = None) -> None:
    """Write the job's outcome (flushed; whoever called commits)."""
    values: dict[str, Any] = {"status": status.value, "finished_at": utcnow(), "message": message}
    if result is not None:
        values.update(progress=100, result_path=result.path, result_sha256=result.sha256,
                      result_size=result.size)
    db.session.execute(db.update(Job).where(Job.id == job_id).values(**values)
                       .execution_options(synchronize_session=False))


def _take(job_id: int) -> bool:
    """Mark a queued job running (and count the attempt); False when it is not queued (already
    run, running elsewhere, or a replayed delivery).  Committed at once: the runner's bookkeeping."""
    taken = db.session.execute(
        db.update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
        .values(status=JobStatus.RUNNING.value, started_at=utcnow(), progress=0,
                attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    uow.commit()
    return taken == 1


def run_job(job_id: int) -> None:
    """Execute one job (called by a runner inside its own app context)."""
    if not _take(job_id):
        return
    job = db.session.get(Job, job_id)
    spec = _KINDS[job.kind]
    payload = json.loads(job.payload or "{}")
    try:
        with uow.unit_of_work():
            result = spec.run(job, payload, Progress(job_id))
            finish(job_id, JobStatus.DONE, result=result)
    except BaseException as err:  # the unit of work rolled back all the job wrote
        log.exception("job %s (%s) failed", job_id, spec.name)
        message = str(err) if isinstance(err, JobFailed) else N_("The job failed. Retry it; if it fails again, tell the administrator.")
        with uow.unit_of_work():
            finish(job_id, JobStatus.FAILED, message=message)
        if spec.on_failure is not None:
            try:
                with uow.unit_of_work():
                    spec.on_failure(db.session.get(Job, job_id), err)
            except Exception:  # the job stays failed; the failure hook must not mask it
                log.exception("failure hook of job %s failed", job_id)
        if not isinstance(err, Exception):
            raise
