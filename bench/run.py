"""The benchmark run (``make bench``): pages under load, beside hello-world, and ``audit verify``.

1. Generates the dataset (``bench.dataset``; skipped with ``--reuse`` when one exists).
2. Serves ``bench.hello:app`` under gunicorn (2 sync workers, 127.0.0.1, a free port) and
   loads it with ``wrk``; then serves the app (``wsgi:app``) the same way against the dataset,
   signs in through the login form (session cookie + CSRF token) as the benchmark officer, and
   as the busiest firm's applicant for the firm's page, and loads each page with its user's
   session cookie (public pages without one).  Each page is reported as requests/s, p50 and p99
   latency and its ratio to hello-world measured in the same run.
3. Times ``flask --app wsgi audit verify`` over the whole log (events per second).

Only loopback addresses; every step has a time limit; the servers it starts are stopped at the
end.  ``wrk`` comes from Debian: installed when running as root, otherwise the apt-get line is
printed.  Later issues add pages to ``pages()``.
"""
from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench.dataset import DEFAULT_OUT, bench_env

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2
DRAIN_SECONDS = 600  # after a run on a slow page the workers still owe wrk's queued requests


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    path: str
    signed_in: bool = True
    expect: str | None = None  # text the page must contain (proves we got the real page)
    login: dict | None = None  # {"email", "password"} of the user; None: the dataset's officer


@dataclasses.dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    non_2xx: int
    ratio: float | None = None
    alone_ms: float | None = None  # one request on the idle server, before the run
    p95_ms: float | None = None    # from bench/p95.lua


def pages(meta: dict) -> list[Page]:
    """The app pages measured; ``meta`` is the dataset summary (``bench/out/dataset.json``)."""
    sample, heavy, firm = meta["sample_case"], meta["heavy_case"], meta["busiest_firm"]
    register = sum(meta["register"].values())
    return [
        Page("officer case list /cases", "/cases", expect="REG-"),
        Page("officer queue, overdue tier 3", "/cases?due=overdue&tier=3", expect='class="queue-tabs"'),
        Page("officer queue, search", "/cases?q=REG-2026-0001", expect='class="queue-tabs"'),
        Page("officer queue, mine", "/cases?scope=mine", expect='class="queue-tabs"'),
        Page("officer queue, model name search", "/cases?q=AMR-8", expect='class="queue-tabs"'),
        Page(f"case page ({sample['events']} events)", f"/cases/{sample['id']}", expect="REG-"),
        Page(f"busiest case page ({heavy['events']} events)", f"/cases/{heavy['id']}", expect="REG-"),
        Page(f"public register of {register} models", "/register", signed_in=False, expect="杭具身注"),
        Page("public register JSON", "/register.json", signed_in=False, expect='"registration_number"'),
        Page(f"firm's applications ({firm['models']} models)", "/registry/models",
             expect='id="firm-applications"', login=firm["login"]),
        Page("firm's home page (what it owes)", "/firm", expect='id="owed"', login=firm["login"]),
        Page("firm's home page, models tab", "/firm?tab=models", expect='id="portal-models"', login=firm["login"]),
        Page("firm's home page, codes tab", "/firm?tab=codes", expect='id="portal-codes"', login=firm["login"]),
        Page("officer dashboard", "/dashboard", expect='id="by-state"'),
    ]


# -- the load generator -------------------------------------------------------------------
def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        print("bench: installing wrk (Debian package) …", flush=True)
        subprocess.run(["bash", str(ROOT / "scripts" / "system-packages.sh"), "wrk"],
                       check=False, timeout=600)
        found = shutil.which("wrk")
    if not found:
        sys.exit("bench: the load generator wrk is missing. Run as root:\n"
                 "  sudo apt-get install -y wrk")
    return found


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not m:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str, name: str, path: str) -> Result:
    def num(pattern: str, default: float = 0.0) -> float:
        m = re.search(pattern, out)
        return float(m.group(1)) if m else default

    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if "50" not in pct or "99" not in pct:
        raise RuntimeError(f"wrk printed no latency distribution for {path}:\n{out}")
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    p95 = re.search(r"^p95_us (\d+)$", out, re.M)
    return Result(name, path, rps=num(r"Requests/sec:\s+([\d.]+)"),
                  p50_ms=_ms(pct["50"]), p99_ms=_ms(pct["99"]),
                  p95_ms=int(p95.group(1)) / 1000 if p95 else None,
                  requests=int(num(r"(\d+) requests in")), errors=errors,
                  non_2xx=int(num(r"Non-2xx or 3xx responses: (\d+)")))


def run_wrk(wrk: str, url: str, *, args, cookie: str | None, duration: int) -> str:
    cmd = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency",
           "--timeout", "30s", "-s", str(ROOT / "bench" / "p95.lua")]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {done.stderr or done.stdout}")
    return done.stdout


# -- servers --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers on a free loopback port; stopped by its own pid."""

    def __init__(self, app: str, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
             "--bind", f"{HOST}:{self.port}", "--log-level", "warning", app],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                if request(self.port, "GET", path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {path} within {timeout}s; see {self.log.name}")

    def worker_memory(self) -> list[dict[str, float]]:
        """Peak (VmHWM) and current (VmRSS) resident memory of each worker, in MiB."""
        pid = self.proc.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        out = []
        for child in children:
            status = Path(f"/proc/{child}/status").read_text()
            fields = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.M))
            out.append({"pid": int(child), "peak_mib": int(fields["VmHWM"]) / 1024,
                        "rss_mib": int(fields["VmRSS"]) / 1024})
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


def request(port: int, method: str, path: str, *, cookie: str | None = None,
            body: dict | None = None, timeout: float = 30) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        return resp.status, {"set-cookie": resp.msg.get_all("Set-Cookie") or []}, text
    finally:
        conn.close()


def _session_cookie(headers: dict, current: str | None) -> str | None:
    jar = SimpleCookie()
    for line in headers["set-cookie"]:
        jar.load(line)
    return f"session={jar['session'].value}" if "session" in jar else current


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the form like a browser: GET for the CSRF token, POST, keep the cookie."""
    status, headers, html = request(port, "GET", "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if status != 200 or not token:
        raise RuntimeError(f"no sign-in form (HTTP {status})")
    cookie = _session_cookie(headers, None)
    status, headers, _ = request(port, "POST", "/login", cookie=cookie, body={
        "csrf_token": token.group(1), "email": email, "password": password})
    if status not in (302, 303):
        raise RuntimeError(f"sign-in as {email} refused (HTTP {status})")
    return _session_cookie(headers, cookie)


def check_page(port: int, page: Page, cookie: str | None, timeout: float = 60) -> tuple[int, float]:
    """Fetch the page once; its size in bytes and the time it took in ms."""
    started = time.perf_counter()
    status, _, html = request(port, "GET", page.path, cookie=cookie if page.signed_in else None,
                              timeout=timeout)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200 or (page.expect and page.expect not in html):
        raise RuntimeError(f"{page.path} answered HTTP {status} instead of the page")
    return len(html.encode("utf-8")), elapsed


def measure(wrk: str, port: int, page: Page, cookie: str | None, args) -> Result:
    url = f"http://{HOST}:{port}{page.path}"
    cookie = cookie if page.signed_in else None
    run_wrk(wrk, url, args=args, cookie=cookie, duration=min(3, args.duration))  # warm-up
    request(port, "GET", page.path, cookie=cookie, timeout=DRAIN_SECONDS)  # its queue drained
    result = parse_wrk(run_wrk(wrk, url, args=args, cookie=cookie, duration=args.duration),
                       page.name, page.path)
    print(f"  {page.name:<36} {result.rps:9.1f} req/s  p50 {result.p50_ms:8.1f} ms  "
          f"p95 {result.p95_ms or 0:8.1f} ms  p99 {result.p99_ms:8.1f} ms", flush=True)
    if result.errors or result.non_2xx:
        print(f"  warning: {result.errors} socket errors/timeouts, {result.non_2xx} non-2xx/3xx "
              f"responses on {page.path}", flush=True)
    return result


# -- audit verify ---------------------------------------------------------------------------
def time_verify(env: dict[str, str], timeout: int) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    m = re.search(r"(\d+) events verified in ([\d.]+)s", done.stdout)
    if done.returncode != 0 or not m:
        raise RuntimeError(f"audit verify failed: {done.stdout}{done.stderr}")
    events, inner = int(m.group(1)), float(m.group(2))
    return {"events": events, "seconds": inner, "wall_seconds": round(wall, 2),
            "events_per_s": events / inner, "events_per_s_wall": events / wall}


# -- the run --------------------------------------------------------------------------------
def dataset(args, env: dict[str, str]) -> dict:
    meta_path = args.out / "dataset.json"
    if args.reuse and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if "registry" not in meta:
            sys.exit("bench: that dataset predates the registry rows; run without --reuse.")
        print(f"bench: reusing the dataset in {meta['database']} "
              f"({meta['cases']} cases, {meta['events']} events)", flush=True)
        return meta
    print(f"bench: generating {args.cases} cases and {args.events} audit events …", flush=True)
    done = subprocess.run([sys.executable, "-m", "bench.dataset", "--cases", str(args.cases),
                           "--events", str(args.events), "--out", str(args.out)],
                          cwd=ROOT, env=env, timeout=3600, stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        sys.exit("bench: the dataset could not be generated (see above).")
    return json.loads(meta_path.read_text())


def table(hello: Result, results: list[Result], verify: dict, memory: list[dict], meta: dict,
          args, load: tuple[float, float]) -> str:
    lines = [
        f"Benchmark — {meta['cases']} cases, {meta['events']} audit events, {meta['database']}",
        f"gunicorn {WORKERS} sync workers on {HOST}; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s (after a warm-up); {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f} before, {load[1]:.1f} after (other work on the machine skews the figures)",
        "",
        f"{'page':<38}{'req/s':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'vs hello':>10}"
        f"{'errors':>8}{'alone ms':>10}",
        "-" * 105,
    ]
    for r in [hello, *results]:
        ratio = "1.00" if r is hello else f"{r.ratio:.3f}"
        bad = r.errors + r.non_2xx
        alone = "" if r.alone_ms is None else f"{r.alone_ms:>10.0f}"
        if not r.requests:
            lines.append(f"{r.name:<38}{'no request completed within the run':>57}{alone}")
            continue
        p95 = f"{r.p95_ms:>10.1f}" if r.p95_ms is not None else f"{'':>10}"
        lines.append(f"{r.name:<38}{r.rps:>9.1f}{r.p50_ms:>10.1f}{p95}{r.p99_ms:>10.1f}{ratio:>10}{bad:>8}{alone}")
    lines += [
        "-" * 105,
        "alone ms: one request on the idle server before the run (the page's own cost).",
        f"audit verify: {verify['events']} events in {verify['seconds']:.2f} s = "
        f"{verify['events_per_s']:,.0f} events/s (whole command {verify['wall_seconds']:.2f} s = "
        f"{verify['events_per_s_wall']:,.0f} events/s)" if verify else "audit verify: not run (--queue)",
        "app workers' peak RSS: " + ", ".join(f"{w['peak_mib']:.0f} MiB" for w in memory),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Load the app's pages beside hello-world (make bench).")
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--duration", type=int, default=10, help="seconds per page (1-120)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--reuse", action="store_true", help="keep the dataset if one exists")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--queue", action="store_true",
                    help="only the regulators' queue pages (issue 15), without audit verify")
    args = ap.parse_args(argv)
    args.duration = max(1, min(args.duration, 120))
    args.out = args.out.resolve()
    (args.out / "instance").mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    load_before = os.getloadavg()[0]
    env = bench_env(args.out)
    meta = dataset(args, env)

    print("bench: hello-world", flush=True)
    server = Server("bench.hello:app", env, args.out / "gunicorn-hello.log")
    try:
        server.wait_ready("/")
        hello = measure(wrk, server.port, Page("hello-world (Flask)", "/", signed_in=False), None, args)
    finally:
        server.stop()

    print("bench: the app", flush=True)
    server = Server("wsgi:app", env, args.out / "gunicorn-app.log")
    results = []
    try:
        server.wait_ready("/healthz")
        cookies: dict[str, str] = {}
        for page in pages(meta):
            if args.queue and not page.path.startswith("/cases?") and page.path != "/cases":
                continue
            login = page.login or meta["login"]
            if page.signed_in and login["email"] not in cookies:
                cookies[login["email"]] = sign_in(server.port, login["email"], login["password"])
            cookie = cookies.get(login["email"]) if page.signed_in else None
            size, alone = check_page(server.port, page, cookie)
            result = measure(wrk, server.port, page, cookie, args)
            # Still signed in: no redirect was measured (waits for the workers to catch up).
            check_page(server.port, page, cookie, timeout=DRAIN_SECONDS)
            result.ratio = result.rps / hello.rps if hello.rps else None
            result.alone_ms = alone
            results.append(result)
            print(f"    ({size / 1024:.0f} KiB per response; {alone:.0f} ms for one request alone)",
                  flush=True)
        memory = server.worker_memory()
    finally:
        server.stop()

    verify = None
    if not args.queue:
        print("bench: audit verify", flush=True)
        verify = time_verify(env, timeout=3600)
    load = (load_before, os.getloadavg()[0])
    report = table(hello, results, verify, memory, meta, args, load)
    print("\n" + report)
    (args.out / "results.json").write_text(json.dumps({
        "hello": dataclasses.asdict(hello), "pages": [dataclasses.asdict(r) for r in results],
        "verify": verify, "workers": memory, "dataset": meta, "load_average": load,
        "wrk": {"threads": args.threads, "connections": args.connections, "duration": args.duration},
    }, ensure_ascii=False, indent=2))
    (args.out / "results.txt").write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
