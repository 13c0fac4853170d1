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
import collections
import datetime as dt
import itertools
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

from workflows.base import APPROVAL, PROPOSAL, RETURN

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "out"
MARKER_EN = "Benchmark Bureau of Economy and IT (bench dataset)"
OFFICER_EMAIL = "officer@bench.test"
PASSWORD = "bench-password-2026"
BATCH = 5000
NON_CASE_SHARE = 0.12  # sign-ins, sign-outs, failed sign-ins, language changes
FILES = ("安全测试报告.pdf", "数据安全方案.pdf", "伦理自评估表.pdf", "产品说明书.pdf",
         "certificate.pdf", "hearing-record.pdf", "photo.jpg")


def _batches(rows: Iterable[dict]) -> Iterator[list[dict]]:
    """``rows`` (a list or a generator) in lists of ``BATCH``."""
    it = iter(rows)
    while batch := list(itertools.islice(it, BATCH)):
        yield batch


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
    """Collects rows and audit events in memory, then chains and inserts them."""

    def __init__(self, cases: int, events: int, seed: int, now: dt.datetime, ruleset: dict[str, Any]):
        from bench import registrations

        self.rng = random.Random(seed)
        self.n_cases, self.n_events, self.now = cases, events, now
        self.orgs: list[dict] = []
        self.users: list[dict] = []
        self.roles: list[dict] = []
        self.cases: list[dict] = []
        self.pauses: list[dict] = []
        self.documents: list[dict] = []
        self.events: list[tuple[dt.datetime, int, dict]] = []
        self.case_event_counts: dict[int, int] = {}
        self.registry = registrations.Rows(ruleset)

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
        self.events.append((at, len(self.events), doc))
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
    def case_lives(self, cal, earliest: dt.datetime) -> None:
        from bench import histories
        from workflows.registration import REGISTRATION as wf

        rng = self.rng
        lives = [histories.build_life(wf, histories._weighted(rng, histories.STATE_MIX), rng)
                 for _ in range(self.n_cases)]
        setup = len(self.events)
        base = sum(len(life.steps) for life in lives)
        non_case = round(NON_CASE_SHARE * (self.n_events - setup))
        extra = self.n_events - setup - non_case - base
        if extra < 0:
            non_case += extra
            extra = 0
        if non_case < 0:
            sys.exit(f"bench: {self.n_events} events are too few for {self.n_cases} cases "
                     f"(they need at least {setup + base}).")
        # Busy cases attract most of the extra reading and uploading (a long tail).
        weights = [0 if life.target == "draft" else min(rng.paretovariate(1.5), 100) for life in lives]
        for i, n in collections.Counter(rng.choices(range(len(lives)), weights, k=extra)).items():
            histories.add_reads(lives[i], n, rng)
        for cid, life in enumerate(lives, 1):
            histories.stamp_times(life, wf, rng, self.now, earliest)
            self._case(cid, life, histories.run_clock(life, wf, cal), wf)
        self.registry.number()
        self._non_case(non_case, earliest)

    def _case(self, cid: int, life, clock, wf) -> None:
        from bench import registrations

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
                row = wf.rows(step.from_state, step.trigger)[0]
                if row.kind == PROPOSAL:
                    proposer, proposal = actor["id"], row.proposes
                elif row.kind in (APPROVAL, RETURN):
                    proposer = proposal = None
                version += 1  # every firing updates the case row, even one that stays put
        created = next(s.at for s in life.steps if s.action == "case.create")
        touched = [s.at for s in life.steps  # what updates the case row
                   if s.action in ("case.create", "case.transition", "case.claim", "case.assign")]
        self.case_event_counts[cid] = sum(1 for s in life.steps if s.case_event)
        self.cases.append(dict(
            id=cid, number=f"REG-{created:%Y}-{cid:06d}", case_type=wf.name,
            workflow_version=wf.version, state=life.target, version=version, title=reg.name,
            firm_id=firm_id, department_id=1, assignee_id=assignee["id"] if assignee else None,
            created_by_id=applicant["id"], proposed_by_id=proposer, proposal=proposal,
            created_at=created, updated_at=touched[-1], clock_name=clock.name,
            clock_started_on=clock.started_on, due_date=clock.due, due_estimated=clock.estimated,
            clock_paused_at=clock.paused_at, tier=life.tier))
        self.pauses += [dict(case_id=cid, **p) for p in clock.pauses]

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
        time (each event's document is dropped once its row is made: memory stays bounded by the
        documents still to chain).  The canonical text is ``chain.canonical_text``, the standard
        library's path that writes the RFC 8785 bytes of an event document."""
        from supervision.audit import chain

        self.events.sort(key=lambda e: (e[0], e[1]))
        events, self.events = self.events, []
        self.n_chained = len(events)
        prev, heads = chain.GENESIS, {}
        for seq, (at, _, doc) in enumerate(events, 1):
            events[seq - 1] = None  # type: ignore[call-overload]
            cid = doc["case_id"]
            doc.update(seq=seq, time=at.strftime(chain.TIME_FORMAT), prev_hash=prev,
                       prev_case_hash=heads.get(cid, chain.GENESIS) if cid is not None else None)
            text = chain.canonical_text(doc)
            prev = chain.digest(text.encode("utf-8"))
            if cid is not None:
                heads[cid] = prev
            del doc["time"]
            doc.update(created_at=at, hash=prev, canonical=text)
            yield doc

    def insert(self, db) -> None:
        from sqlalchemy import insert, text

        from supervision.accounts.models import Organisation, User, UserRole
        from supervision.audit.models import AuditEvent
        from supervision.cases.models import Case, ClockPause
        from supervision.documents.models import Document
        from supervision.registry import models as registry_models

        users = [{k: v for k, v in u.items() if k != "roles"} for u in self.users]
        cases = [{k: v for k, v in c.items() if k != "tier"} for c in self.cases]
        tables = [(Organisation, self.orgs), (User, users), (UserRole, self.roles),
                  (Case, cases), (ClockPause, self.pauses), (Document, self.documents)]
        tables += [(getattr(registry_models, name), rows) for name, rows in self.registry.tables()]
        tables += self.registry.certificate_tables()
        tables += [(AuditEvent, self.chained_events())]
        if db.engine.dialect.name == "sqlite":  # a bulk load into a new file: no fsync per batch
            db.session.execute(text("PRAGMA synchronous = OFF"))
            db.session.execute(text("PRAGMA cache_size = -200000"))
        for model, rows in tables:
            columns = set(model.__table__.c.keys())
            for batch in _batches(rows):
                if not set(batch[0]) <= columns:  # e.g. registrations.tier before migration 0004
                    batch = [{k: v for k, v in row.items() if k in columns} for row in batch]
                db.session.execute(insert(model.__table__), batch)
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for model, _ in tables[:-1]:
                table = model.__tablename__
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        db.session.commit()
        # The planner's statistics, as a deployment's maintenance keeps them (``ANALYZE``): without
        # them SQLite walks a department's cases in the sort's order to test a search's few ids.
        db.session.execute(text("ANALYZE"))
        db.session.commit()

    def summary(self, today: dt.date) -> dict[str, Any]:
        from supervision.registry.presenters import PUBLIC_ENDED, PUBLIC_REGISTERED

        counts = self.case_event_counts
        review = [c["id"] for c in self.cases if c["state"] == "classification_review"] or list(counts)
        mean = sum(counts.values()) / max(len(counts), 1)
        sample = min(review, key=lambda cid: (abs(counts[cid] - mean), cid))
        heavy = max(counts, key=lambda cid: (counts[cid], -cid))
        states = collections.Counter(c["state"] for c in self.cases)
        firms = collections.Counter(c["firm_id"] for c in self.cases)
        busiest = min(firms, key=lambda f: (-firms[f], f))
        return {
            "cases": len(self.cases), "events": self.n_chained, "firms": len(self.orgs) - 1,
            "users": len(self.users), "documents": len(self.documents),
            "states": dict(states.most_common()),
            "tiers": dict(sorted(collections.Counter(c["tier"] for c in self.cases).items())),
            "overdue": sum(1 for c in self.cases if c["due_date"] and not c["clock_paused_at"]
                           and c["due_date"] < today),
            "assigned_to_login": sum(1 for c in self.cases if c["assignee_id"] == 1),
            "case_events_mean": round(mean, 1),
            "sample_case": {"id": sample, "events": counts[sample]},
            "heavy_case": {"id": heavy, "events": counts[heavy]},
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
    from supervision.core.timeutil import local_today, utcnow
    from supervision.registry.services import current_ruleset
    from supervision.workdays.services import current_calendar

    started = time.perf_counter()
    rs = current_ruleset()  # v1, seeded by migration 0003
    ruleset = {"id": rs.id, "version": rs.version, "rules": rs.rules}
    db.session.commit()
    now = utcnow() - dt.timedelta(minutes=1)
    setup_start = now - dt.timedelta(days=3 * 365)
    builder = Builder(cases, events, seed, now, ruleset)
    builder.people(setup_start)
    builder.case_lives(current_calendar(), setup_start + dt.timedelta(days=1))
    built = time.perf_counter()
    builder.insert(db)
    meta = builder.summary(local_today())
    meta["seconds"] = {"build": round(built - started, 1), "insert": round(time.perf_counter() - built, 1)}
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
