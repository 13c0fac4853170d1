"""A robot's public record under load: ``GET /api/v1/units/<code>`` (JSON) and ``GET /units/<code>``
(the label's QR target) beside hello-world, requests/s and its ratio, p50 and p99, in the same
run (``python -m bench.api [--units N] [--fill-units 1000000 --fill-events 5000000]``).

Builds its own small dataset through the real services (one department, one firm with a
registered model and ``--units`` coded units, a few events on one of them) in
``bench/out/api/`` (or ``DATABASE_URL``), then serves ``bench.hello:app`` and ``wsgi:app`` under
gunicorn (2 sync workers) and loads each with ``wrk``.  The code asked for changes from request
to request only through wrk's one URL: the newest unit, found by its unique index like any other.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from decimal import Decimal

from bench.dataset import DEFAULT_OUT, bench_env
from bench.run import Page, Server, check_page, ensure_wrk, measure

OUT = DEFAULT_OUT / "api"


def build(units: int, fill_units: int = 0, fill_events: int = 0) -> str:
    """The dataset (through the services, one unit of work; then ``bench.unitfill`` grows the
    tables by ``fill_units`` and ``fill_events``); the code of a unit with a history."""
    from bench.unitfill import fill
    from supervision import create_app
    from supervision.accounts import services as accounts
    from supervision.cases import services as cases
    from supervision.core import uow
    from supervision.registry import services as registry
    from supervision.units import events, services
    from tests.factories import credit_code

    app = create_app()
    with app.test_request_context("/", headers={"Accept-Language": "en"}), uow.unit_of_work():
        dept = accounts.create_organisation(kind="department", name_zh="基准局", name_en="Bench Bureau",
                                            doc_prefix="杭基")
        firm = accounts.create_organisation(kind="firm", name_zh="基准公司", name_en="Bench Robotics",
                                            credit_code=credit_code(424242))
        people = {role: accounts.create_user(email=f"{role}@bench.test", name=role, password="bench-password-1",
                                             organisation=firm if role == "applicant" else dept, roles=[role])
                  for role in ("applicant", "officer", "approver", "admin")}
        reg = registry.create_model(firm=firm, actor=people["applicant"], name="Bench robot", values=dict(
            manufacturer="Bench Robotics", form_factor="wheeled", intelligence_level=1,
            scenarios=["manufacturing"], mass_kg=Decimal("10"), max_speed_mps=Decimal("1.0"),
            standards="GB 11291.1-2011", software_version="1.0"))
        for trigger, who in (("submit", "applicant"), ("accept", "officer"), ("start_review", "officer"),
                             ("propose_grant", "officer"), ("approve", "approver")):
            cases.fire(reg.case, trigger, actor=people[who])
        services.assign_prefix(firm, actor=people["admin"], prefix="BENCH1")
        code = None
        for start in range(0, units, 10_000):
            batch = services.request_batch(reg.model, firm=firm, actor=people["applicant"],
                                           size=min(10_000, units - start))
            code = services.batch_units(batch)[-1].code
        events.record(firm=firm, actor=people["applicant"], channel="api", events=[
            {"epcList": [code], "eventTime": "2026-12-01T09:30:00+08:00", "bizStep": step, "disposition": disp}
            for step, disp in (("commissioning", "active"), ("shipping", "in_transit"))])
        model_id, firm_id = reg.model.id, firm.id
    if fill_units or fill_events:
        from supervision.accounts.models import Organisation
        from supervision.extensions import db
        from supervision.registry.models import RobotModel
        with app.test_request_context("/"):
            fill(model=db.session.get(RobotModel, model_id), firm=db.session.get(Organisation, firm_id),
                 units=fill_units, events=fill_events, progress=lambda _text: None)
    return code


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="GET /api/v1/units/<code> beside hello-world.")
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--fill-units", type=int, default=0, help="units added by bench.unitfill (1000000: the issue's scale)")
    ap.add_argument("--fill-events", type=int, default=0, help="events added by bench.unitfill (5000000)")
    ap.add_argument("--duration", type=int, default=10, help="seconds per URL (1-120)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=20)
    args = ap.parse_args(argv)
    args.duration = max(1, min(args.duration, 120))
    wrk = ensure_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "instance").mkdir(exist_ok=True)
    db_file = OUT / "bench.db"
    if db_file.exists():
        db_file.unlink()
    env = bench_env(OUT)
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    print(f"bench.api: building {args.units:,} units (+{args.fill_units:,} filled, {args.fill_events:,} events) …",
          flush=True)
    built = subprocess.run([sys.executable, "-c", "from bench.api import build; "
                            f"print(build({args.units}, {args.fill_units}, {args.fill_events}))"],
                           env=env, capture_output=True, text=True)
    if built.returncode:
        sys.exit(f"bench.api: building the dataset failed:\n{built.stderr[-3000:]}")
    code = built.stdout.split()[-1]

    server = Server("bench.hello:app", env, OUT / "gunicorn-hello.log")
    try:
        server.wait_ready("/")
        hello = measure(wrk, server.port, Page("hello-world (Flask)", "/", signed_in=False), None, args)
    finally:
        server.stop()
    server = Server("wsgi:app", env, OUT / "gunicorn-app.log")
    pages = (Page("GET /api/v1/units/<code>", f"/api/v1/units/{code}", signed_in=False, expect=code),
             Page("GET /units/<code>", f"/units/{code}", signed_in=False, expect=code))
    try:
        server.wait_ready("/api/v1/openapi.json")
        results = []
        for page in pages:
            check_page(server.port, page, None)
            results.append(measure(wrk, server.port, page, None, args))
    finally:
        server.stop()
    print(f"\nunits: {args.units + args.fill_units:,}; hello-world {hello.rps:.0f} req/s")
    for page, result in zip(pages, results):
        ratio = result.rps / hello.rps if hello.rps else 0.0
        print(f"{page.name} {result.rps:.0f} req/s = {ratio:.2f} × hello-world (goal ≥ 0.5 on SQLite); "
              f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
