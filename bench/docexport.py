"""Child process of the documents benchmark: export one case's dossier, report time and memory.

    python -m bench.docexport CASE_ID ACTOR_EMAIL      (environment: ``bench.dataset.bench_env``)

It builds the app, warms WeasyPrint up with a one-page CJK render (as a long-running worker
would be), notes its resident memory (``VmRSS``), resets the peak (``/proc/self/clear_refs``),
then runs the export exactly as the dossier page does: ``export.start_export`` queues the job
and the embedded runner's thread runs ``export.build``; ``runners.drain`` waits for it.  The
peak is ``VmHWM`` from ``/proc/self/status`` afterwards (the job thread is in this process).
Prints one JSON line.
"""
from __future__ import annotations

import gc
import json
import sys
import time
import zipfile
from pathlib import Path

WARM_HTML = ('<html lang="zh-CN" style="font-family: \'Noto Serif CJK SC\'">'
             '<p>杭州市经济和信息化局 案卷导出预热</p><p><b>审计日志</b></p></html>')


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def dossier_stats(path: str) -> dict:
    from pypdf import PdfReader

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        events = zf.read("data/events.jsonl").count(b"\n")
        with zf.open("data/dossier.pdf") as fh:
            pdf_pages = len(PdfReader(fh).pages)
    return {"events": events, "pdf_pages": pdf_pages,
            "attachments": sum(n.startswith("data/attachments/") for n in names),
            "decisions": sum(n.startswith("data/decisions/") for n in names),
            "bytes": Path(path).stat().st_size}


def main(argv: list[str]) -> int:
    case_id, email = int(argv[0]), argv[1]
    from weasyprint import HTML

    from supervision import create_app
    from supervision.accounts.models import User
    from supervision.cases.models import Case
    from supervision.core import uow
    from supervision.dossiers import checkpoints, export
    from supervision.extensions import db
    from supervision.jobs import runners
    from supervision.jobs.models import Job

    app = create_app("development")
    with app.app_context():
        HTML(string=WARM_HTML).write_pdf()
        case = db.session.get(Case, case_id)
        actor = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
        gc.collect()
        before = status_kib("VmRSS")
        reset = reset_peak()
        started = time.perf_counter()
        with uow.unit_of_work():  # the job reaches the runner once it is committed
            job = export.start_export(case, actor=actor)
        finished = runners.drain(app, timeout=3 * 3600)
        seconds = time.perf_counter() - started
        peak = status_kib("VmHWM")
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        if not finished or job.status != "done":
            print(json.dumps({"error": f"export job {job.id} {job.status}: {job.message}"}))
            return 1
        result = {
            "seconds": round(seconds, 2),
            "job_seconds": round((job.finished_at - job.started_at).total_seconds(), 2),
            "rss_before_kib": before, "peak_rss_kib": peak, "peak_reset": reset,
            "path": job.result_path, "sha256": job.result_sha256,
            "verifier_key": checkpoints.verifier_key(),
            **dossier_stats(job.result_path),
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
