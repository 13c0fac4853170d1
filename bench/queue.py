"""The queue page (``/cases``) filtered and unfiltered beside hello-world, at several dataset
sizes: time per request in process (the Flask test client, one thread, no network), its ratio
to hello-world's in the same process, and the SQL statements per page.  Figures are printed;
nothing is asserted (the goals are in issue 15; ``bench.run`` measures under gunicorn).

Each size is built by ``bench.dataset`` into its own folder under ``bench/out/`` and measured in
a child process of its own (the configuration is read from the environment at start).

    .venv/bin/python -m bench.queue --sizes 1000 10000
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.dataset import DEFAULT_OUT, OFFICER_EMAIL, PASSWORD, bench_env

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    ("queue, all", "/cases"),
    ("queue, mine", "/cases?scope=mine"),
    ("queue, overdue tier 3", "/cases?due=overdue&tier=3"),
    ("queue, search", "/cases?q=REG-2026-0001"),
    ("queue, by last activity, page 2", None),   # the "Next" link of the sort by activity
)


def _per_request(client, path: str, rounds: int) -> float:
    """Median seconds per request over ``rounds`` batches of 20 requests."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(20):
            resp = client.get(path)
            assert resp.status_code == 200, (path, resp.status_code)
        times.append((time.perf_counter() - start) / 20)
    return statistics.median(times)


def measure_one(rounds: int) -> dict:
    """In the child: sign in as the dataset's officer and time each page and hello-world."""
    from flask import Flask
    from sqlalchemy import event

    from supervision import create_app
    from supervision.extensions import db

    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, World!")
    hello_s = _per_request(hello.test_client(), "/", rounds)

    app = create_app("development")
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post("/login", data={"csrf_token": token, "email": OFFICER_EMAIL,
                                       "password": PASSWORD}).status_code in (302, 303)
    page2 = re.search(r'href="([^"]*after=[^"]+)"', client.get("/cases?sort=activity").get_data(as_text=True))
    out = {"hello_ms": hello_s * 1000, "pages": []}
    for name, path in PAGES:
        path = path or (page2.group(1).replace("&amp;", "&") if page2 else "/cases?sort=activity")
        client.get(path)  # warm
        seen: list[str] = []

        def listener(*a, seen=seen):
            seen.append(a[2])

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
            client.get(path)
            event.remove(db.engine, "before_cursor_execute", listener)
        per = _per_request(client, path, rounds)
        out["pages"].append({"name": name, "path": path, "ms": per * 1000, "ratio": hello_s / per,
                             "statements": len(seen)})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reuse", action="store_true", help="measure datasets built by an earlier run")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure_one(args.rounds)))
        return 0
    results = {}
    for size in args.sizes:
        out = (DEFAULT_OUT / f"queue-{size}").resolve()
        (out / "instance").mkdir(parents=True, exist_ok=True)
        env = bench_env(out)
        if not (args.reuse and (out / "bench.db").exists()):
            print(f"building {size} cases …", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "bench.dataset", "--cases", str(size), "--events",
                            str(size * 20), "--out", str(out)], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL, timeout=3600)
        child = subprocess.run([sys.executable, "-m", "bench.queue", "--child", "--rounds", str(args.rounds)],
                               cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=3600)
        results[size] = json.loads(child.stdout.strip().splitlines()[-1])
    first = results[args.sizes[0]]
    print(f"{'page':34} " + " ".join(f"{f'{s:,} cases':>26}" for s in args.sizes) + "  growth")
    print(f"{'':34} " + " ".join(f"{'ms  ratio  statements':>26}" for _ in args.sizes))
    print(f"{'hello-world':34} " + " ".join(f"{results[s]['hello_ms']:>8.2f}{'':18}" for s in args.sizes))
    for i, (name, _path) in enumerate(PAGES):
        cells = [results[s]["pages"][i] for s in args.sizes]
        growth = cells[-1]["ms"] / first["pages"][i]["ms"]
        print(f"{name:34} " + " ".join(f"{c['ms']:>8.2f} {c['ratio']:>6.3f} {c['statements']:>10}" for c in cells)
              + f"  {growth:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
