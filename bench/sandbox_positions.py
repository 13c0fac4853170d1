"""Positions end to end: ``python -m bench.sandbox_positions [--db PATH] [--batches 5]``.

On a SQLite database with the demo data (built by the migrations and ``flask demo load`` on the
first run, kept at ``bench/out/sandbox.db``), through ``POST /api/v1/sandbox/positions`` in
process (Flask's test client: parse, check, store, seal, commit):

1. batches of 10,000 positions of the demo test's units (half outside the area): positions/s
   (goal ≥ 10,000/s on SQLite);
2. one position per request: requests/s and p95 latency, beside a hello-world Flask view called
   the same way in the same run (the ratio is the figure to watch; the absolute numbers carry no
   network or server).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(OUT / "sandbox.db"))
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--singles", type=int, default=500)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    fresh = not Path(args.db).exists()
    os.environ.setdefault("SUPERVISION_ENV", "development")
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ.setdefault("SUPERVISION_INSTANCE", str(OUT / "sandbox-instance"))
    from flask import Flask
    from flask_migrate import upgrade

    from supervision import create_app
    from supervision.api import tokens
    from supervision.api.models import SCOPES
    from supervision.cases.models import Case
    from supervision.core import uow
    from supervision.demo.data import load_demo
    from supervision.extensions import db
    from supervision.sandbox import services
    from supervision.sandbox.models import SandboxTest

    app = create_app()
    with app.app_context():
        if fresh:
            print("building the demo database (once) …", flush=True)
            upgrade()
            with uow.unit_of_work():
                load_demo()
        test = db.session.execute(db.select(SandboxTest).join(SandboxTest.case)
                                  .where(Case.state == "testing").order_by(SandboxTest.id)).scalars().first()
        cs = services.current_conditions(test)
        area = test.areas[0].geometry["coordinates"][0][0]
        lon0 = sum(p[0] for p in area) / len(area)
        lat0 = sum(p[1] for p in area) / len(area)
        with uow.unit_of_work():
            _t, secret = tokens.create_token(test.case.firm, actor=_applicant(test), name="bench",
                                             scopes=list(SCOPES))
        units = cs.unit_codes
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    now = dt.datetime.now(dt.timezone.utc)

    def batch(n: int, offset: int) -> dict:
        return {"positions": [{"unit": units[i % len(units)],
                               "time": (now - dt.timedelta(seconds=(offset + n - i) % 3600)).isoformat(),
                               "lon": lon0 + (0.02 if i % 2 else 0.0), "lat": lat0} for i in range(n)]}

    bodies = [batch(10_000, k * 10_000) for k in range(args.batches)]
    start = time.perf_counter()
    for body in bodies:
        resp = client.post("/api/v1/sandbox/positions", json=body, headers=headers)
        assert resp.status_code == 200, resp.get_json()
    e2e = args.batches * 10_000 / (time.perf_counter() - start)
    print(f"end to end, batches of 10,000: {e2e:12,.0f} positions/s  (goal ≥ 10,000/s on SQLite)")

    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, world!")
    hc = hello.test_client()

    def rate(call) -> tuple[float, float]:
        times = []
        for _ in range(args.singles):
            t0 = time.perf_counter()
            call()
            times.append(time.perf_counter() - t0)
        return len(times) / sum(times), statistics.quantiles(times, n=20)[18]

    one = batch(1, 0)
    ours, p95 = rate(lambda: client.post("/api/v1/sandbox/positions", json=one, headers=headers))
    base, base_p95 = rate(lambda: hc.get("/"))
    print(f"one position per request:      {ours:12,.0f} requests/s, p95 {p95 * 1000:.1f} ms")
    print(f"hello-world (same client):     {base:12,.0f} requests/s, p95 {base_p95 * 1000:.1f} ms")
    print(f"ratio to hello-world:          {ours / base:12.1%}")


def _applicant(test):
    from supervision.accounts.models import User
    from supervision.extensions import db

    return db.session.get(User, test.case.created_by_id)


if __name__ == "__main__":
    main()
