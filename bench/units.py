"""Robot-unit figures (printed; goals, not timed tests): a batch of 10,000 codes with its label
sheet, a CSV file of 100,000 events, ``POST /api/v1/events`` with 1,000 events per request, and
``GET /units/<code>`` and ``GET /api/v1/units/<code>`` as ratios to hello-world with their p95,
all in process (Flask test client) on a fresh database (SQLite ``bench/out/units.db``, or an
empty PostgreSQL database named by ``DATABASE_URL``)::

    python -m bench.units [--units 10000] [--csv-events 100000] [--events 1000] [--requests 2000]
    python -m bench.units --fill-units 1000000 --fill-events 5000000   # the issue's scale
    python -m bench.units --csv-only --units 10                        # only the CSV file
    python -m bench.units --csv-only --csv-upload --units 10           # the file through the page

With ``--fill-units``/``--fill-events`` the two pages are measured first on the dataset the timed
steps built, then again after ``bench.unitfill`` has grown the tables to the given size, and the
p95 at scale is printed as a multiple of the first (goal: at most 1.5).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def _timed(fn, *args, **kw):
    started = time.perf_counter()
    result = fn(*args, **kw)
    return result, time.perf_counter() - started


def _rate(client, path: str, n: int, headers: dict | None = None) -> tuple[float, float]:
    """Requests per second and p95 latency (ms) of ``n`` GETs of ``path``."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        assert client.get(path, headers=headers or {}).status_code == 200
        times.append(time.perf_counter() - started)
    return n / sum(times), statistics.quantiles(times, n=20)[18] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000, help="codes in the timed batch")
    parser.add_argument("--csv-events", type=int, default=100_000, help="rows of the timed CSV file")
    parser.add_argument("--events", type=int, default=1_000, help="events per API request")
    parser.add_argument("--requests", type=int, default=2_000, help="GETs per page measured")
    parser.add_argument("--fill-units", type=int, default=0)
    parser.add_argument("--fill-events", type=int, default=0)
    parser.add_argument("--csv-only", action="store_true", help="time the CSV file and stop")
    parser.add_argument("--csv-upload", action="store_true",
                        help="upload the CSV file through the page (a background job) instead of calling the service")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL")
    if not url:
        db_file = OUT / "units.db"
        db_file.unlink(missing_ok=True)
        url = f"sqlite:///{db_file}"
    from flask_migrate import upgrade

    from bench.hello import app as hello
    from bench.unitfill import fill
    from config import _normalise_db_url
    from supervision import create_app
    from supervision.api import tokens
    from supervision.core import uow
    from supervision.extensions import db
    from supervision.units import csv_upload, labeljobs, services
    from tests.factories import DepartmentFactory, FirmFactory, UserFactory
    from tests.registry.conftest import make_registration, to_registered

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_normalise_db_url(url), SERVER_NAME=None,
                     INSTANCE_DIR=str(OUT), LABEL_DIR=str(OUT))
    client, hello_client = app.test_client(), hello.test_client()
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        upgrade()

        class World:
            department = DepartmentFactory(name_zh="杭州市经济和信息化局", name_en="Industry Bureau")
            firm_a = FirmFactory(name_zh="甲公司", name_en="Firm A")
            officer = UserFactory(email="o@b.test", organisation=department, roles=["officer"])
            approver = UserFactory(email="p@b.test", organisation=department, roles=["approver"])
            admin = UserFactory(email="adm@b.test", organisation=department, roles=["admin"])
            applicant_a = UserFactory(email="a@b.test", organisation=firm_a, roles=["applicant"])

        w = World()
        with uow.unit_of_work():
            services.assign_prefix(w.firm_a, actor=w.admin, prefix="BENCH1")
            reg = make_registration(w)
            to_registered(w, reg)
            _token, secret = tokens.create_token(w.firm_a, actor=w.applicant_a, name="bench",
                                                 scopes=["units:read", "events:write"])
        with uow.unit_of_work():
            batch, t_batch = _timed(services.request_batch, reg.model, firm=w.firm_a, actor=w.applicant_a,
                                    size=args.units)
        if not args.csv_only:
            pdf, t_pdf = _timed(labeljobs.draw, batch)
            print(f"batch of {args.units:,} codes: {t_batch:.2f} s; label sheet {len(pdf) / 1e6:.1f} MB "
                  f"({(args.units + 23) // 24} pages) in {t_pdf:.2f} s (goal: both < 30 s)", flush=True)
        codes = [u.code for u in services.batch_units(batch)]
        csv_codes = []
        for start in range(0, args.csv_events, 10_000):
            with uow.unit_of_work():
                more = services.request_batch(reg.model, firm=w.firm_a, actor=w.applicant_a,
                                              size=min(10_000, args.csv_events - start))
            csv_codes += [u.code for u in services.batch_units(more)]
        when = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0).isoformat()
        csv_file = OUT / "events.csv"
        with csv_file.open("w", encoding="utf-8") as out:
            out.write("code,eventTime,bizStep,disposition,address\n")
            out.writelines(f"{c},{when},commissioning,active,Plant\n" for c in csv_codes)
        peak = _peak_mb()
        email = w.applicant_a.email
        if not args.csv_upload:
            started, cpu = time.perf_counter(), time.process_time()
            with csv_file.open("rb") as stream, uow.unit_of_work():
                done, t_csv = _timed(services_record, firm=w.firm_a, actor=w.applicant_a,
                                     events=csv_upload.rows(stream))
            t_all, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"CSV of {done.count:,} events ({csv_file.stat().st_size / 1e6:.1f} MB): read and recorded in "
                  f"{t_csv:.2f} s, {t_all:.2f} s with the commit ({done.count / t_all:,.0f} events/s; goal < 30 s; "
                  f"this process's CPU time {cpu:.2f} s); "
                  f"process peak {_peak_mb():,.0f} MB (before: {peak:,.0f} MB)", flush=True)
        model_id, firm_id = reg.model.id, w.firm_a.id
        db.session.remove()
    if args.csv_upload:  # outside the contexts above: each request of the client has its own
        _upload_through_the_page(app, csv_file, email)
    if args.csv_only:
        return
    headers = {"Authorization": f"Bearer {secret}"}
    chunks = [csv_codes[i:i + args.events] for i in range(0, min(len(csv_codes), 10 * args.events), args.events)]
    t_api = 0.0
    for chunk in chunks:
        body = {"events": [{"type": "ObjectEvent", "action": "OBSERVE", "epcList": [c], "eventTime": when,
                            "eventTimeZoneOffset": "+08:00", "bizStep": "shipping", "disposition": "in_transit"}
                           for c in chunk]}
        started = time.perf_counter()
        resp = client.post("/api/v1/events", json=body, headers=headers)
        t_api += time.perf_counter() - started
        assert resp.status_code in (200, 201), resp.get_data(as_text=True)[:500]
    done = sum(len(c) for c in chunks)
    print(f"POST /api/v1/events, {len(chunks)} requests of {args.events:,} events: {t_api:.2f} s "
          f"({done / t_api:,.0f} events/s)", flush=True)

    code = codes[len(codes) // 2]
    pages = ((f"/units/{code}", {}), (f"/api/v1/units/{code}", headers))
    first = _pages(client, hello_client, pages, args.requests, "after the timed steps")
    if args.fill_units or args.fill_events:
        with app.app_context(), app.test_request_context("/"):
            from supervision.accounts.models import Organisation
            from supervision.registry.models import RobotModel
            model, firm = db.session.get(RobotModel, model_id), db.session.get(Organisation, firm_id)
            started = time.perf_counter()
            fill(model=model, firm=firm, units=args.fill_units, events=args.fill_events,
                 progress=lambda text: print(text, flush=True) if "000,000 units" in text else None)
            print(f"filled in {time.perf_counter() - started:,.0f} s", flush=True)
            db.session.remove()
        # the page of a unit in the middle of the filled range, and the one measured before
        filled = _pages(client, hello_client, pages, args.requests,
                        f"with {args.fill_units:,} more units and {args.fill_events:,} more events")
        for (path, _h), (_r1, p1), (_r2, p2) in zip(pages, first, filled):
            print(f"{path.split(code)[0]}<code>: p95 at scale = {p2 / p1:.2f} × the first (goal ≤ 1.5)")


def _upload_through_the_page(app, csv_file: Path, email: str) -> None:
    """POST the file to the upload page as the firm's user: the request's time (it stores the
    file and queues the job), then the job's, with the rows checked that its page showed."""
    import re

    from supervision.jobs import runners
    from tests.factories import PASSWORD

    app.config.update(JOB_RUNNER="thread", UNIT_UPLOAD_DIR=str(OUT / "unit-uploads"))
    web = app.test_client()
    web.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def token(path: str) -> str:
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', web.get(path).get_data(as_text=True))[1]

    web.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token("/login")})
    started, cpu = time.perf_counter(), time.process_time()
    with csv_file.open("rb") as stream:
        resp = web.post("/units/events/upload", data={"file": (stream, "events.csv"), "csrf_token":
                                                      token("/units/events/upload")}, content_type="multipart/form-data")
    t_request = time.perf_counter() - started
    assert resp.status_code == 303, resp.get_data(as_text=True)[-3000:]
    if "/upload/" not in resp.headers["Location"]:
        print(f"CSV upload through the page: {app.config['UNIT_CSV_INLINE_ROWS']:,} rows or fewer, recorded "
              f"in the request in {t_request:.2f} s", flush=True)
        return
    seen = []
    while True:
        time.sleep(2)  # as the page refreshes itself
        page = web.get(resp.headers["Location"]).get_data(as_text=True)
        checked = re.search(r'id="rows-checked">.*?</progress> ([\d,]+)', page)
        if checked:
            seen.append(checked[1])
        if 'http-equiv="refresh"' not in page:
            break
    assert runners.drain(app, 600)
    t_job, cpu = time.perf_counter() - started, time.process_time() - cpu
    outcome = re.search(r'id="upload-recorded">([^<]+)<', page)
    print(f"CSV upload through the page ({csv_file.stat().st_size / 1e6:.1f} MB): the request answered in "
          f"{t_request:.2f} s; the job finished {t_job:.1f} s after the upload started "
          f"({outcome[1] if outcome else 'no events recorded'}); rows checked as the page showed them: "
          f"{', '.join(seen) or '-'}; this process's CPU time {cpu:.2f} s; process peak {_peak_mb():,.0f} MB",
          flush=True)


def services_record(**kw):
    """The CSV path's service call, as the upload view makes it."""
    from supervision.units import csv_upload, events
    return events.record_stream(channel="csv", limit=csv_upload.MAX_ROWS, keep_ids=False,
                                report_limit=csv_upload.REPORT_LIMIT, **kw)


def _pages(client, hello_client, pages, n: int, when: str) -> list[tuple[float, float]]:
    """Requests/s and p95 of each page, each as a ratio to hello-world measured just before."""
    h_rate, h_p95 = _rate(hello_client, "/", n)
    print(f"{when}: hello-world {h_rate:,.0f} req/s (p95 {h_p95:.1f} ms)")
    out = []
    for path, headers in pages:
        rate, p95 = _rate(client, path, n, headers)
        out.append((rate, p95))
        print(f"  {path}: {rate:,.0f} req/s = {rate / h_rate:.2f} × hello-world (goal ≥ 0.5 on SQLite), "
              f"p95 {p95:.1f} ms", flush=True)
    return out


def _peak_mb() -> float:
    """This process's peak resident memory so far (MB)."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
