"""A CSV file of events too long for the request, recorded by a background job.

A file of more than ``UNIT_CSV_INLINE_ROWS`` rows (default 5,000; 100,000 rows take about 22 s,
close to a web worker's timeout) is stored under ``UNIT_UPLOAD_DIR`` (default ``unit-uploads/``
in the instance folder) and recorded by the job ``units.csv_upload`` through the same service
and with the same all-or-none rule as a small file: the submission, its SHA-256 and its audit
event are those of the inline upload, the uploader its actor.

Files the job keeps beside the upload, all named by the upload's random name:

- ``<name>.progress.json``: rows checked and written so far, rewritten after each chunk.  On
  SQLite the job's own writes hold the database's write lock until it commits, so the counts
  cannot go to the job's row while it runs;
- ``<name>.outcome.json`` (the job's result): ``{"recorded": n}``, or what the inline page shows
  when nothing was recorded: ``{"errors": [...], "unlisted": n}`` or ``{"problem": "..."}``,
  in the uploader's language.

The upload and its counts are removed once the job's outcome is committed; a job that failed
keeps its upload, so that a retry has it.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import secrets
from pathlib import Path
from typing import IO

from flask import current_app, g
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from supervision.accounts.models import Organisation, User
from supervision.core import uow
from supervision.extensions import db
from supervision.jobs import services as jobs
from supervision.jobs.models import Job, JobStatus
from supervision.units import csv_upload, events
from workflows.base import N_

KIND = "units.csv_upload"
M_CHECKING = N_("Checking and recording the rows")
M_CHANGED = N_("Some of these units were changed by someone else meanwhile: nothing was recorded. "
               "Check their states and upload the file again.")


def inline_rows() -> int:
    return int(current_app.config.get("UNIT_CSV_INLINE_ROWS", 5_000))


def folder() -> Path:
    path = Path(current_app.config.get("UNIT_UPLOAD_DIR")
                or Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path) / "unit-uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _count_rows(stream: IO[bytes], stop: int | None = None) -> int:
    """Data rows of the CSV file ``stream`` is open on (the header not counted), counting no
    further than ``stop``; the stream is left at its start.  A file that is not UTF-8 counts
    what was read before the first bad byte (the check that records it reports the problem)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    n = -1
    try:
        for n, _row in enumerate(csv.reader(text)):
            if stop is not None and n > stop:
                break
    except (UnicodeDecodeError, csv.Error):
        pass
    finally:
        text.detach()  # the upload's own stream stays open
        stream.seek(0)
    return max(n, 0)


def large(stream: IO[bytes]) -> bool:
    """More rows than a request should record (the stream is left at its start)."""
    limit = inline_rows()
    return _count_rows(stream, stop=limit) > limit


def start(stream: IO[bytes], *, firm: Organisation, actor: User, filename: str | None) -> Job:
    """Store the uploaded file and queue its job (which runs once the request has committed);
    ``csv_upload.BadFile`` at once when its first row does not name the required columns."""
    csv_upload.check_header(stream)
    name = secrets.token_hex(16)
    path = folder() / f"{name}.csv"
    sha, size = hashlib.sha256(), 0
    with path.open("wb") as out:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            sha.update(chunk)
            size += len(chunk)
            out.write(chunk)
    uow.after_rollback(lambda: _remove(name))
    with path.open("rb") as stored:
        rows = _count_rows(stored)
    return jobs.enqueue(KIND, {"firm_id": firm.id, "upload": name, "rows": rows, "size": size,
                               "sha256": sha.hexdigest(), "filename": (filename or "")[:200],
                               "locale": str(get_locale())}, actor)


def _remove(name: str, *suffixes: str) -> None:
    for suffix in suffixes or (".csv", ".progress.json"):
        (folder() / f"{name}{suffix}").unlink(missing_ok=True)


def _write_json(path: Path, data: dict) -> bytes:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    part = path.with_name(path.name + ".part")
    part.write_bytes(body)
    os.replace(part, path)
    return body


def recent(firm: Organisation, limit: int = 5) -> list[Job]:
    """The firm's latest upload jobs, newest first (its users' jobs of this kind)."""
    return list(db.session.execute(
        db.select(Job).join(User, User.id == Job.created_by_id)
        .where(Job.kind == KIND, User.organisation_id == firm.id)
        .order_by(Job.id.desc()).limit(limit)).scalars())


def firm_id(job: Job) -> int | None:
    return json.loads(job.payload or "{}").get("firm_id")


def progress(job: Job) -> dict:
    """``{"rows", "checked", "written"}``: the file's rows and how far the job has come."""
    payload = json.loads(job.payload or "{}")
    counts = {"checked": 0, "written": 0}
    if job.status == JobStatus.RUNNING.value:
        try:
            counts.update(json.loads((folder() / f"{payload['upload']}.progress.json").read_text("utf-8")))
        except (OSError, ValueError):  # not written yet, or being replaced
            pass
    return {"rows": payload.get("rows", 0), **counts}


def outcome(job: Job) -> dict | None:
    """What the finished job found (see the module docstring); None until it is done."""
    if job.status != JobStatus.DONE.value or not job.result_path:
        return None
    try:
        return json.loads(Path(job.result_path).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _record(job: Job, payload: dict, report) -> dict:
    firm = db.session.get(Organisation, payload["firm_id"])
    actor = db.session.get(User, job.created_by_id)
    with (folder() / f"{payload['upload']}.csv").open("rb") as stream:
        try:
            done = events.record_stream(firm=firm, actor=actor, channel="csv", events=csv_upload.rows(stream),
                                        limit=csv_upload.MAX_ROWS, keep_ids=False,
                                        report_limit=csv_upload.REPORT_LIMIT, progress=report)
        except csv_upload.BadFile as err:
            return {"problem": err.message}
        except events.UnitsChanged:
            return {"problem": _(M_CHANGED)}
        except events.EventsRejected as err:
            return {"errors": [{**e, "row": csv_upload.row_of(e["index"]) if e["index"] is not None else None}
                               for e in err.errors],
                    "unlisted": err.errors.total - len(err.errors)}
    return {"recorded": done.count}


def _run(job: Job, payload: dict, progress_) -> jobs.JobResult:
    name = payload["upload"]
    counts = folder() / f"{name}.progress.json"
    progress_(1, M_CHECKING)  # before the job's own writes take SQLite's write lock

    def report(checked: int, written: int) -> None:
        _write_json(counts, {"checked": checked, "written": written})

    # force_locale needs a non-empty ``g``: a job's app context starts with an empty one.
    g.job_id = job.id
    with force_locale(payload.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        result = _record(job, payload, report)
    path = folder() / f"{name}.outcome.json"
    body = _write_json(path, result)
    uow.after_commit(lambda: _remove(name))
    uow.after_rollback(lambda: _remove(name, ".outcome.json"))
    return jobs.JobResult(str(path), hashlib.sha256(body).hexdigest(), len(body))


jobs.register(jobs.JobKind(KIND, _run, audit_action="units.csv_upload_started"))
