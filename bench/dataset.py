"""The benchmark dataset: a fresh database built by the migrations and filled in bulk.

One department, firms with valid credit codes, officers, approvers and applicants, N
registration cases in a realistic mix of states (with their clocks, pauses and documents) and
exactly M audit events.  The events form a valid hash chain, globally and per case, in the
format of ``supervision.audit.chain`` / ``supervision.audit.services.record``; they are
computed here in Python and inserted in batches rather than through ``record`` one by one.
``flask --app wsgi audit verify`` passes on the result.

SQLite under ``bench/out/`` by default; the database named by ``DATABASE_URL`` when it is set
(it must be empty or hold an earlier benchmark dataset, which is dropped first).

    .venv/bin/python -m bench.dataset --cases 10000 --events 200000
"""
from __future__ import annotations

import argparse
import array
import collections
import datetime as dt
import functools
import gc
import heapq
import itertools
import json
import marshal
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

from workflows.base import APPROVAL, PROPOSAL, RETURN

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "out"
MARKER_EN = "Benchmark Bureau of Economy and IT (bench dataset)"
OFFICER_EMAIL = "officer@bench.test"
PASSWORD = "bench-password-2026"
BATCH = 5000
EPOCH = dt.datetime(1970, 1, 1)
MICROSECOND = dt.timedelta(microseconds=1)
# The fields of an event document as ``Builder.event`` writes them, in that order.
EVENT_KEYS = ("action", "actor_id", "actor_email", "actor_roles", "organisation_id", "object_type",
              "object_id", "case_id", "workflow", "workflow_version", "trigger", "from_state",
              "to_state", "reason", "details", "request_id", "client_address")
NON_CASE_SHARE = 0.12  # sign-ins, sign-outs, failed sign-ins, language changes
FILES = ("安全测试报告.pdf", "数据安全方案.pdf", "伦理自评估表.pdf", "产品说明书.pdf",
         "certificate.pdf", "hearing-record.pdf", "photo.jpg")


class Spool:
    """Rows of one table waiting to be written: ``len`` counts every row ever appended (the next
    row's id is ``len + 1``), ``take`` hands over and forgets the rows not yet written."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.written = 0

    def append(self, row: dict) -> None:
        self.rows.append(row)

    def __len__(self) -> int:
        return self.written + len(self.rows)

    def take(self) -> list[dict]:
        rows, self.rows = self.rows, []
        self.written += len(rows)
        return rows


class EventSorter:
    """The audit events in time order, by an external merge sort: events come in case by case,
    are sorted in runs of ``RUN`` and written to temporary files in ``marshal`` blocks, and are
    merged back one block per run at a time.  Memory holds one run and one block per run,
    whatever the number of events.  A record is ``(microseconds since EPOCH, arrival, *values)``."""

    RUN = 100_000
    BLOCK = 1_000

    def __init__(self) -> None:
        self.buffer: list[tuple] = []
        self.runs: list[Path] = []
        self.tmp: tempfile.TemporaryDirectory | None = None
        self.count = 0

    def add(self, record: tuple) -> None:
        self.buffer.append(record)
        self.count += 1
        if len(self.buffer) >= self.RUN:
            self._spill()

    def _spill(self) -> None:
        if self.tmp is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="bench-events-")
        self.buffer.sort()
        path = Path(self.tmp.name) / f"run{len(self.runs):04d}"
        with path.open("wb") as f:
            for i in range(0, len(self.buffer), self.BLOCK):
                marshal.dump(self.buffer[i:i + self.BLOCK], f)
        self.runs.append(path)
        self.buffer = []

    @staticmethod
    def _read(path: Path) -> Iterator[tuple]:
        with path.open("rb") as f:
            while True:
                try:
                    block = marshal.load(f)
                except EOFError:
                    return
                yield from block

    def sorted(self) -> Iterator[tuple]:
        if not self.runs:  # everything fitted in one run: no files
            self.buffer.sort()
            records, self.buffer = self.buffer, []
            yield from records
            return
        if self.buffer:
            self._spill()
        try:
            yield from heapq.merge(*(self._read(p) for p in self.runs))
        finally:
            self.tmp.cleanup()


class Writer:
    """Batched multi-row INSERTs through one connection, committed per batch.  On SQLite the
    DB-API cursor's ``executemany`` with tuples (dates written as SQLAlchemy writes them); on
    PostgreSQL SQLAlchemy Core's ``insert`` (its multi-row ``VALUES``)."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.plans: dict[tuple, tuple] = {}

    def _plan(self, table, keys: tuple[str, ...]) -> tuple:
        import operator

        from sqlalchemy import Date, DateTime

        plan = self.plans.get((table.name, keys))
        if plan is None:
            cols = tuple(k for k in keys if k in table.c)  # e.g. registrations.tier before 0004
            convert = []
            for i, name in enumerate(cols):
                col_type = table.c[name].type
                if isinstance(col_type, DateTime):
                    convert.append((i, _sqlite_datetime))
                elif isinstance(col_type, Date):
                    convert.append((i, _sqlite_date))
                else:
                    proc = col_type.dialect_impl(self.conn.dialect).bind_processor(self.conn.dialect)
                    if proc is not None:
                        convert.append((i, proc))
            sql = (f"INSERT INTO {table.name} ({', '.join(cols)}) "
                   f"VALUES ({', '.join('?' * len(cols))})")
            plan = self.plans[(table.name, keys)] = (cols, operator.itemgetter(*cols), convert, sql)
        return plan

    def insert(self, table, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.sqlite:
            from sqlalchemy import insert

            cols = [k for k in rows[0] if k in table.c]
            if len(cols) < len(rows[0]):
                rows = [{k: row[k] for k in cols} for row in rows]
            self.conn.execute(insert(table), rows)
            return
        cols, get, convert, sql = self._plan(table, tuple(rows[0]))
        if len(cols) == 1:
            values = [(get(row),) for row in rows]
        else:
            values = [get(row) for row in rows]
        if convert:
            fixed = []
            for row in values:
                row = list(row)
                for i, fn in convert:
                    if row[i] is not None:
                        row[i] = fn(row[i])
                fixed.append(row)
            values = fixed
        self.conn.connection.dbapi_connection.cursor().executemany(sql, values)

    def commit(self) -> None:
        if self.sqlite:  # rows went through the DB-API connection, past SQLAlchemy's transaction
            self.conn.connection.dbapi_connection.commit()
        self.conn.commit()


def _sqlite_datetime(value: dt.datetime) -> str:
    """What SQLAlchemy's SQLite ``DATETIME`` stores: ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_date(value: dt.date) -> str:
    return value.isoformat()


def bench_env(out: Path = DEFAULT_OUT) -> dict[str, str]:
    """The environment of every process that works on the dataset (generator, app, CLI)."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{out / 'bench.db'}")
    env["SUPERVISION_INSTANCE"] = str(out / "instance")
    env["SUPERVISION_ENV"] = "development"
    env["CHECKPOINT_INTERVAL_MINUTES"] = "0"  # no timer signing checkpoints in the middle of a run
    return env


def redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _credit_code(n: int) -> str:
    from stdnum.cn import uscc

    base = f"91330100MA{n:07d}"
    return base + uscc.calc_check_digit(base)


def _fresh_database(db, default_sqlite: bool) -> None:
    """Make sure we write into an empty schema; never drop a database that isn't ours."""
    import flask_migrate
    from sqlalchemy import inspect, text

    tables = set(inspect(db.engine).get_table_names())
    if not tables or default_sqlite:
        return
    marked = "organisations" in tables and db.session.execute(
        text("SELECT 1 FROM organisations WHERE name_en = :m"), {"m": MARKER_EN}).first()
    db.session.rollback()
    if not marked:
        sys.exit("bench: DATABASE_URL names a database that is neither empty nor a benchmark "
                 "dataset; refusing to touch it. Give an empty database.")
    flask_migrate.downgrade(revision="base")


class Builder:
    """Builds the rows case by case and writes them every ``CASE_BATCH`` cases; the audit events
    go through an ``EventSorter`` and are chained and written in time order at the end.  What
    stays in memory for the whole run is a few numbers per case (for the summary, the
    registration numbers and the per-case chain heads), not the rows or the events."""

    CASE_BATCH = 1000

    def __init__(self, cases: int, events: int, seed: int, now: dt.datetime, ruleset: dict[str, Any],
                 today: dt.date | None = None):
        from bench import registrations

        self.seed = seed
        self.rng = random.Random(seed)
        self.n_cases, self.n_events, self.now = cases, events, now
        self.today = today or now.date()
        self.orgs: list[dict] = []
        self.users: list[dict] = []
        self.roles: list[dict] = []
        self.cases, self.pauses, self.documents = Spool(), Spool(), Spool()
        self.events = EventSorter()
        self.case_event_counts = array.array("l")  # by case id - 1
        self.in_review = bytearray()  # 1 where the case is in classification_review
        self.stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.registry = registrations.Rows(ruleset)

    def case_rng(self, cid: int) -> random.Random:
        """The case's own generator for its life (built twice: once to count, once to write)."""
        return random.Random(self.seed * 1_000_003 + cid)

    # -- events ----------------------------------------------------------------------
    def event(self, action: str, at: dt.datetime, actor: dict | None = None, *,
              web: bool = True, case_id: int | None = None, details: dict | None = None,
              **fields: Any) -> dict:
        if case_id is not None and "workflow" not in fields:  # as ``record`` does for a case
            fields.update(workflow="registration", workflow_version=1)
        doc = {
            "action": action,
            "actor_id": actor["id"] if actor else None,
            "actor_email": actor["email"] if actor else fields.pop("actor_email", None),
            "actor_roles": actor["roles"] if actor else None,
            "organisation_id": actor["organisation_id"] if actor else None,
            "object_type": fields.pop("object_type", None),
            "object_id": None if fields.get("object_id") is None else str(fields.pop("object_id")),
            "case_id": case_id,
            "workflow": fields.pop("workflow", None),
            "workflow_version": fields.pop("workflow_version", None),
            "trigger": fields.pop("trigger", None),
            "from_state": fields.pop("from_state", None),
            "to_state": fields.pop("to_state", None),
            "reason": fields.pop("reason", None) or None,
            "details": (json.dumps(details, ensure_ascii=False, sort_keys=True,
                                   separators=(",", ":"), default=str) if details else None),
            "request_id": f"{self.rng.getrandbits(128):032x}" if web else None,
            "client_address": f"10.20.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}" if web else None,
        }
        fields.pop("object_id", None)
        assert not fields, fields
        self.events.add(((at - EPOCH) // MICROSECOND, self.events.count, *doc.values()))
        return doc

    # -- people ----------------------------------------------------------------------
    def people(self, start: dt.datetime) -> None:
        from supervision.accounts.passwords import hash_password

        password_hash = hash_password(PASSWORD)  # one argon2 hash for all: hashing isn't measured
        tick = iter(start + dt.timedelta(seconds=i) for i in range(10**6))
        self.orgs.append(dict(id=1, kind="department", name_zh="杭州市经济和信息化局（基准测试）",
                              name_en=MARKER_EN, credit_code=None, doc_prefix="杭经信登"))
        n_firms = max(10, self.n_cases // 50)
        for i in range(n_firms):
            self.orgs.append(dict(id=i + 2, kind="firm", name_zh=f"杭州测试机器人{i + 1}号有限公司",
                                  name_en=f"Hangzhou Test Robotics No. {i + 1} Co., Ltd.",
                                  credit_code=_credit_code(i + 1), doc_prefix=None))
        # A few big firms and a long tail: the busiest has about five times the smallest's models.
        self.firm_ids = [o["id"] for o in self.orgs[1:]]
        self.firm_weights = [rank ** -0.3 for rank in range(1, n_firms + 1)]
        from bench.registrations import CERTIFIERS

        self.certifier_prefix: dict[int, str] = {}
        for prefix, name in CERTIFIERS:  # the certification bodies, after the firms
            self.certifier_prefix[len(self.orgs) + 1] = prefix
            self.orgs.append(dict(id=len(self.orgs) + 1, kind="certification_body", name_zh=name,
                                  name_en=f"{prefix} certification body", credit_code=None, doc_prefix=None))
        for org in self.orgs:
            org["created_at"] = next(tick)
            self.event("organisation.create", org["created_at"], web=False,
                       object_type="organisation", object_id=org["id"],
                       details={"kind": org["kind"], "name_zh": org["name_zh"],
                                "credit_code": org["credit_code"]})
        staff = [(OFFICER_EMAIL, "王经办 Wang (bench officer)", ["officer"])]
        staff += [(f"officer{i}@bench.test", f"经办人{i} Officer {i}", ["officer"]) for i in range(2, 9)]
        staff += [(f"approver{i}@bench.test", f"审批人{i} Approver {i}", ["approver"]) for i in (1, 2)]
        staff += [("auditor@bench.test", "审计员 Auditor", ["auditor"]),
                  ("admin@bench.test", "管理员 Admin", ["admin"])]
        people = [(e, n, r, 1) for e, n, r in staff]
        people += [(f"applicant{o['id'] - 1}@bench.test", f"申请人 {o['name_en']}", ["applicant"], o["id"])
                   for o in self.orgs[1:] if o["kind"] == "firm"]
        people += [(f"certifier{o['id']}@bench.test", f"认证人员 {o['name_en']}", ["certifier"], o["id"])
                   for o in self.orgs if o["kind"] == "certification_body"]
        for uid, (email, name, roles, org_id) in enumerate(people, 1):
            at = next(tick)
            self.users.append(dict(id=uid, email=email, name=name, password_hash=password_hash,
                                   organisation_id=org_id, active=True, locale=None,
                                   session_token=secrets.token_hex(16), created_at=at,
                                   password_changed_at=at, roles=",".join(sorted(roles))))
            self.roles += [dict(user_id=uid, role=r) for r in roles]
            self.event("user.create", at, web=False, object_type="user", object_id=uid,
                       details={"email": email, "organisation_id": org_id, "roles": sorted(roles)})
        self.officers = [u for u in self.users if u["roles"] == "officer"]
        self.approvers = [u for u in self.users if u["roles"] == "approver"]
        self.applicant_of = {u["organisation_id"]: u for u in self.users if u["roles"] == "applicant"}
        self.certifiers = [u for u in self.users if u["roles"] == "certifier"]

    # -- cases -----------------------------------------------------------------------
    def case_lives(self, cal, earliest: dt.datetime, writer: Writer) -> None:
        """Every case, written every ``CASE_BATCH`` cases.  The lives are built twice from each
        case's own generator: first only to count their steps (the extra reads are shared out
        over the cases by what is left of the exact total), then for good, one at a time."""
        from bench import histories
        from workflows.registration import REGISTRATION as wf

        rng = self.rng
        setup = self.events.count
        base = 0
        weights = array.array("d")
        for cid in range(1, self.n_cases + 1):
            crng = self.case_rng(cid)
            life = histories.build_life(wf, histories._weighted(crng, histories.STATE_MIX), crng)
            base += len(life.steps)
            # Busy cases attract most of the extra reading and uploading (a long tail).
            weights.append(0 if life.target == "draft" else min(rng.paretovariate(1.5), 100))
        non_case = round(NON_CASE_SHARE * (self.n_events - setup))
        extra = self.n_events - setup - non_case - base
        if extra < 0:
            non_case += extra
            extra = 0
        if non_case < 0:
            sys.exit(f"bench: {self.n_events} events are too few for {self.n_cases} cases "
                     f"(they need at least {setup + base}).")
        reads = array.array("l", bytes(8 * self.n_cases))
        if extra:
            cum = list(itertools.accumulate(weights))
            del weights
            population = range(self.n_cases)
            for start in range(0, extra, 10_000):
                for i in rng.choices(population, cum_weights=cum, k=min(10_000, extra - start)):
                    reads[i] += 1
            del cum
        for cid in range(1, self.n_cases + 1):
            crng = self.case_rng(cid)
            life = histories.build_life(wf, histories._weighted(crng, histories.STATE_MIX), crng)
            if reads[cid - 1]:
                histories.add_reads(life, reads[cid - 1], crng)
            histories.stamp_times(life, wf, crng, self.now, earliest)
            self._case(cid, life, histories.run_clock(life, wf, cal), wf)
            if cid % self.CASE_BATCH == 0:
                self.flush(writer)
        self.flush(writer)
        self.registry.number(writer)
        self._non_case(non_case, earliest)

    def flush(self, writer: Writer) -> None:
        """Write the cases built since the last flush and their rows, in foreign-key order."""
        from supervision.cases.models import Case, ClockPause
        from supervision.documents.models import Document

        cases = self.cases.take()
        for c in cases:
            for key in ("state", "tier", "firm"):
                self.stats[key][c["firm_id"] if key == "firm" else c[key]] += 1
            self.stats["summary"]["overdue"] += bool(c["due_date"] and not c["clock_paused_at"]
                                                     and c["due_date"] < self.today)
            self.stats["summary"]["assigned_to_login"] += c["assignee_id"] == 1
            del c["tier"]
        writer.insert(Case.__table__, cases)
        writer.insert(ClockPause.__table__, self.pauses.take())
        writer.insert(Document.__table__, self.documents.take())
        self.registry.flush(writer)
        writer.commit()

    def _case(self, cid: int, life, clock, wf) -> None:
        from bench import histories, registrations

        rng = self.rng
        firm_id = rng.choices(self.firm_ids, self.firm_weights)[0]
        applicant = self.applicant_of[firm_id]
        assignee = proposer = proposal = None
        version, docs = 1, []
        wfv = {"workflow": wf.name, "workflow_version": wf.version}
        reg = registrations.CaseRows(self, cid, self.orgs[firm_id - 1], life)
        for step in life.steps:
            if step.role == "applicant":
                actor = applicant
            elif step.role == "approver":
                actor = rng.choice(self.approvers)
            elif step.role == "officer":
                actor = assignee or rng.choice(self.officers)
            elif step.role == "certifier":
                actor = rng.choice(self.certifiers)
            else:
                actor = None
            common = dict(case_id=cid, object_type="case", object_id=cid)
            if step.action.startswith("registry.") or step.action == "certificate.record":
                reg.step(step, actor, docs)
            elif step.action == "case.create":
                self.event("case.create", step.at, actor, to_state=step.to_state, **common, **wfv)
                version += 1
            elif step.action == "document.upload":
                certificate = bool(step.details and step.details.get("certificate"))
                doc = dict(id=len(self.documents) + 1, sha256=secrets.token_hex(32),
                           filename="certificate.pdf" if certificate else rng.choice(FILES),
                           size=rng.randrange(40_000, 4_000_000),
                           classification="internal" if certificate else rng.choice(("internal", "confidential")),
                           case_id=cid, firm_id=firm_id if actor is applicant else None,
                           uploaded_by_id=actor["id"], kind="upload", created_at=step.at)
                doc["content_type"] = "image/jpeg" if doc["filename"].endswith(".jpg") else "application/pdf"
                self.documents.append(doc)
                docs.append(doc)
                self.event("document.upload", step.at, actor, case_id=cid, object_type="document",
                           object_id=doc["id"], details={k: doc[k] for k in ("sha256", "filename", "size", "classification")})
            elif step.action == "document.download":
                doc = rng.choice(docs)
                self.event("document.download", step.at, actor, case_id=cid, object_type="document",
                           object_id=doc["id"], details={"sha256": doc["sha256"]})
            elif step.action in ("case.claim", "case.assign"):
                if step.action == "case.claim":
                    new = actor = rng.choice(self.officers)
                else:
                    new = rng.choice([o for o in self.officers if o is not assignee])
                self.event(step.action, step.at, actor, **common, **wfv,
                           details={"from_assignee": assignee["id"] if assignee else None,
                                    "to_assignee": new["id"]})
                assignee, version = new, version + 1
            else:  # case.transition, exactly as ``cases.services.fire`` records it
                details = dict(step.details or {})
                if details.pop("document", False):
                    details.update(document_sha256=docs[-1]["sha256"], document_id=docs[-1]["id"])
                doc = self.event("case.transition", step.at, actor, **common, **wfv,
                                 trigger=step.trigger, from_state=step.from_state,
                                 to_state=step.to_state, reason=step.reason, details=details or None)
                reg.transition(step, doc)
                row = histories.first_row(wf, step.from_state, step.trigger)
                if row.kind == PROPOSAL:
                    proposer, proposal = actor["id"], row.proposes
                elif row.kind in (APPROVAL, RETURN):
                    proposer = proposal = None
                version += 1  # every firing updates the case row, even one that stays put
        created = next(s.at for s in life.steps if s.action == "case.create")
        touched = [s.at for s in life.steps  # what updates the case row
                   if s.action in ("case.create", "case.transition", "case.claim", "case.assign")]
        self.case_event_counts.append(sum(1 for s in life.steps if s.case_event))
        self.in_review.append(life.target == "classification_review")
        self.cases.append(dict(
            id=cid, number=f"REG-{created:%Y}-{cid:06d}", case_type=wf.name,
            workflow_version=wf.version, state=life.target, version=version, title=reg.name,
            firm_id=firm_id, department_id=1, assignee_id=assignee["id"] if assignee else None,
            created_by_id=applicant["id"], proposed_by_id=proposer, proposal=proposal,
            created_at=created, updated_at=touched[-1], clock_name=clock.name,
            clock_started_on=clock.started_on, due_date=clock.due, due_estimated=clock.estimated,
            clock_paused_at=clock.paused_at, tier=life.tier))
        for p in clock.pauses:
            self.pauses.append(dict(case_id=cid, **p))

    def _non_case(self, n: int, earliest: dt.datetime) -> None:
        rng, span = self.rng, (self.now - earliest).total_seconds()
        staff = self.officers * 6 + self.approvers * 3 + list(self.applicant_of.values())
        for _ in range(n):
            user = rng.choice(staff)
            at = earliest + dt.timedelta(seconds=rng.uniform(0, span - 1))
            kind = rng.choices(("in", "out", "failed", "locale"), (55, 35, 7, 3))[0]
            common = dict(object_type="user", object_id=user["id"])
            if kind == "failed":
                self.event("auth.sign_in_failed", at, None, actor_email=user["email"],
                           details={"failures": rng.randint(1, 3)}, **common)
            elif kind == "locale":
                self.event("user.set_locale", at, user, details={"locale": rng.choice(("zh", "en"))}, **common)
            else:
                self.event(f"auth.sign_{kind}", at, user, **common)

    # -- chain and insert ------------------------------------------------------------
    def chained_events(self) -> Iterator[dict]:
        """Events in time order with their sequence numbers and both chains' hashes, one at a
        time, from the ``EventSorter``: the chain needs only the previous hash and each case's
        last one.  The canonical text is ``chain.canonical_text``, the standard library's path
        that writes the RFC 8785 bytes of an event document."""
        from supervision.audit import chain

        prev, heads = chain.GENESIS, {}
        genesis, digest = chain.GENESIS, chain.digest
        assert "time" not in EVENT_KEYS and set(EVENT_KEYS) | {
            "seq", "time", "prev_hash", "prev_case_hash"} == set(chain.FIELDS)
        # ``chain._fast_canonical`` without its per-value type test: every value here is a
        # string, null or a small integer by construction (``audit verify`` re-checks each text).
        dumps = functools.partial(json.dumps, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        keys = EVENT_KEYS
        seq = 0
        for record in self.events.sorted():
            seq += 1
            at = EPOCH + dt.timedelta(microseconds=record[0])
            doc = dict(zip(keys, record[2:]))
            cid = doc["case_id"]
            doc["seq"] = seq
            doc["time"] = at.isoformat(timespec="microseconds") + "Z"  # chain.TIME_FORMAT
            doc["prev_hash"] = prev
            doc["prev_case_hash"] = heads.get(cid, genesis) if cid is not None else None
            text = dumps(doc)
            prev = digest(text.encode("utf-8"))
            if cid is not None:
                heads[cid] = prev
            del doc["time"]
            doc["created_at"] = at
            doc["hash"] = prev
            doc["canonical"] = text
            yield doc
        self.n_chained = seq

    def write_people(self, writer: Writer) -> None:
        from supervision.accounts.models import Organisation, User, UserRole

        writer.insert(Organisation.__table__, self.orgs)
        writer.insert(User.__table__, [{k: v for k, v in u.items() if k != "roles"} for u in self.users])
        writer.insert(UserRole.__table__, self.roles)
        writer.commit()

    def write_events(self, writer: Writer) -> None:
        from supervision.audit.models import AuditEvent

        table = AuditEvent.__table__
        events = self.chained_events()
        while batch := list(itertools.islice(events, BATCH)):
            writer.insert(table, batch)
            writer.commit()

    def finish(self, writer: Writer) -> None:
        """Move PostgreSQL's sequences past the explicit ids; the planner's statistics."""
        from sqlalchemy import text

        from supervision.accounts.models import Organisation, User, UserRole
        from supervision.cases.models import Case, ClockPause
        from supervision.documents.models import Document

        conn = writer.conn
        if conn.dialect.name == "postgresql":
            tables = [Organisation.__table__, User.__table__, UserRole.__table__, Case.__table__,
                      ClockPause.__table__, Document.__table__]
            tables += [t for t, _ in self.registry.tables()]
            for t in tables:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {t.name}))"))
            writer.commit()
        # The planner's statistics, as a deployment's maintenance keeps them (``ANALYZE``): without
        # them SQLite walks a department's cases in the sort's order to test a search's few ids.
        conn.execute(text("ANALYZE"))
        writer.commit()

    def summary(self) -> dict[str, Any]:
        from supervision.registry.presenters import PUBLIC_ENDED, PUBLIC_REGISTERED

        counts = self.case_event_counts
        n = len(counts)
        review = [i + 1 for i in range(n) if self.in_review[i]] or list(range(1, n + 1))
        mean = sum(counts) / max(n, 1)
        sample = min(review, key=lambda cid: (abs(counts[cid - 1] - mean), cid))
        heavy = max(range(1, n + 1), key=lambda cid: (counts[cid - 1], -cid))
        states, firms = self.stats["state"], self.stats["firm"]
        busiest = min(firms, key=lambda f: (-firms[f], f))
        return {
            "cases": len(self.cases), "events": self.n_chained, "firms": len(self.orgs) - 1,
            "users": len(self.users), "documents": len(self.documents),
            "states": dict(states.most_common()),
            "tiers": dict(sorted(self.stats["tier"].items())),
            "overdue": self.stats["summary"]["overdue"],
            "assigned_to_login": self.stats["summary"]["assigned_to_login"],
            "case_events_mean": round(mean, 1),
            "sample_case": {"id": sample, "events": counts[sample - 1]},
            "heavy_case": {"id": heavy, "events": counts[heavy - 1]},
            "login": {"email": OFFICER_EMAIL, "password": PASSWORD},
            "registry": self.registry.counts(),
            "register": {"registered": sum(states[s] for s in PUBLIC_REGISTERED),
                         "public_notice": states["public_notice"],
                         "ended": sum(states[s] for s in PUBLIC_ENDED)},
            "busiest_firm": {"id": busiest, "name": self.orgs[busiest - 1]["name_zh"], "models": firms[busiest],
                             "login": {"email": self.applicant_of[busiest]["email"], "password": PASSWORD}},
        }


def fill(db, cases: int, events: int, seed: int = 2026) -> dict[str, Any]:
    """Fill the app's migrated, empty database (in the current app context); return the summary."""

    started = time.perf_counter()
    # Millions of short-lived rows and records and no reference cycles among them: the cyclic
    # collector's default pace (every 700 allocations, rescanning what the app loaded) costs
    # about 5 % of the run for nothing; it runs rarer during the fill and as before afterwards.
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        return _fill(db, cases, events, seed, started)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _fill(db, cases: int, events: int, seed: int, started: float) -> dict[str, Any]:
    from supervision.core.timeutil import local_today, utcnow
    from supervision.registry.services import current_ruleset
    from supervision.workdays.services import current_calendar

    rs = current_ruleset()  # v1, seeded by migration 0003
    ruleset = {"id": rs.id, "version": rs.version, "rules": rs.rules}
    db.session.commit()
    now = utcnow() - dt.timedelta(minutes=1)
    setup_start = now - dt.timedelta(days=3 * 365)
    calendar = current_calendar()
    builder = Builder(cases, events, seed, now, ruleset, today=local_today())
    with db.engine.connect() as conn:
        writer = Writer(conn)
        if conn.dialect.name == "sqlite":  # a bulk load into a new file: no fsync per batch
            conn.exec_driver_sql("PRAGMA synchronous = OFF")
            conn.exec_driver_sql("PRAGMA cache_size = -200000")
            writer.commit()
        builder.people(setup_start)
        builder.write_people(writer)
        builder.case_lives(calendar, setup_start + dt.timedelta(days=1), writer)
        built = time.perf_counter()
        builder.write_events(writer)
        builder.finish(writer)
    meta = builder.summary()
    meta["seconds"] = {"cases": round(built - started, 1), "events": round(time.perf_counter() - built, 1)}
    return meta


def generate(cases: int, events: int, out: Path, seed: int = 2026) -> dict[str, Any]:
    """Build the dataset into the database of ``bench_env(out)`` (already in ``os.environ``)."""
    url = os.environ["DATABASE_URL"]
    default_sqlite = url == f"sqlite:///{out / 'bench.db'}"
    if default_sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{out / 'bench.db'}{suffix}").unlink(missing_ok=True)
    import flask_migrate

    from supervision import create_app
    from supervision.extensions import db

    app = create_app("development")
    with app.app_context():
        _fresh_database(db, default_sqlite)
        flask_migrate.upgrade()
        meta = fill(db, cases, events, seed)
        db.engine.dispose()
    meta.update(database=redacted(url), seed=seed)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    out = args.out.resolve()
    (out / "instance").mkdir(parents=True, exist_ok=True)
    os.environ.update(bench_env(out))
    meta = generate(args.cases, args.events, out, args.seed)
    meta.update(requested={"cases": args.cases, "events": args.events})
    (out / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2))
    print(json.dumps(meta, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
