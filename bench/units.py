"""Robot-unit figures (printed; goals, not timed tests): a batch of 10,000 codes with its label
sheet, recording events from a CSV file and in API-sized submissions of 1,000 events, and the
public unit page as a ratio to hello-world, all in process (Flask test client) on a fresh
database (SQLite ``bench/out/units.db`` or ``DATABASE_URL``)::

    python -m bench.units [--units 10000] [--events 1000] [--requests 2000]
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


def _rate(client, path: str, n: int) -> tuple[float, float]:
    """Requests per second and p95 latency (ms) of ``n`` GETs of ``path``."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - started)
    return n / sum(times), statistics.quantiles(times, n=20)[18] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL")
    if not url:
        db_file = OUT / "units.db"
        db_file.unlink(missing_ok=True)
        url = f"sqlite:///{db_file}"
    from flask_migrate import upgrade

    from bench.hello import app as hello
    from config import _normalise_db_url
    from supervision import create_app
    from supervision.core import uow
    from supervision.units import csv_upload, events, labeljobs, services
    from tests.factories import DepartmentFactory, FirmFactory, UserFactory
    from tests.registry.conftest import make_registration, to_registered

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_normalise_db_url(url), SERVER_NAME=None,
                     INSTANCE_DIR=str(OUT), LABEL_DIR=str(OUT))
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
        with uow.unit_of_work():
            batch, t_batch = _timed(services.request_batch, reg.model, firm=w.firm_a, actor=w.applicant_a,
                                    size=args.units)
        pdf, t_pdf = _timed(labeljobs.draw, batch)
        print(f"batch of {args.units:,} codes: {t_batch:.2f} s; label sheet {len(pdf) / 1e6:.1f} MB "
              f"({(args.units + 23) // 24} pages) in {t_pdf:.2f} s (goal: both < 30 s)")
        codes = [u.code for u in services.batch_units(batch)]
        when = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0).isoformat()
        rows = "code,eventTime,bizStep,disposition,address\n" + "".join(
            f"{c},{when},commissioning,active,Plant\n" for c in codes)
        parsed, t_parse = _timed(csv_upload.read, rows.encode())
        with uow.unit_of_work():
            _ids, t_csv = _timed(events.record, firm=w.firm_a, actor=w.applicant_a, events=parsed, channel="csv",
                                 limit=csv_upload.MAX_ROWS)
        print(f"CSV of {len(parsed):,} events: read {t_parse:.2f} s, recorded {t_csv:.2f} s "
              f"({len(parsed) / (t_parse + t_csv):,.0f} events/s)")
        chunk = codes[: args.events]
        api_events = [{"epcList": [c], "eventTime": when, "bizStep": "shipping", "disposition": "in_transit"}
                      for c in chunk]
        with uow.unit_of_work():
            _ids, t_api = _timed(events.record, firm=w.firm_a, actor=w.applicant_a, events=api_events, channel="api")
        print(f"one submission of {len(chunk):,} events: {t_api:.2f} s ({len(chunk) / t_api:,.0f} events/s)")
    client, hello_client = app.test_client(), hello.test_client()
    h_rate, h_p95 = _rate(hello_client, "/", args.requests)
    u_rate, u_p95 = _rate(client, f"/units/{codes[len(codes) // 2]}", args.requests)
    print(f"hello-world {h_rate:,.0f} req/s (p95 {h_p95:.1f} ms); /units/<code> {u_rate:,.0f} req/s "
          f"(p95 {u_p95:.1f} ms), ratio {u_rate / h_rate:.2f} (in process; gunicorn figures: bench/README.md)")


if __name__ == "__main__":
    main()
