"""Electronic fences in operation: positions from the units of running tests, checked against
their test's allowed areas and the prohibited zones valid at each position's time.

``ingest(firm, records)`` reports bad records one by one and keeps the good ones; every position
goes into the position ledger (``Position``, not the audit log); consecutive breaches of one unit
form one episode (opened, updated, closed when the unit is back inside), and only an episode's
opening and closing are audit events and notifications.  ``seal`` closes an interval of the
ledger: one audit event carrying the SHA-256 of the positions recorded in it, so telemetry never
queues on the audit log's write lock more than once per interval.  The check runs in the app
(shapely) or, with ``FENCE_ENGINE = "postgis"``, in PostgreSQL (``geo.postgis``): same answers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flask import current_app
from shapely.geometry import shape

from supervision.audit.services import record
from supervision.cases.models import Case
from supervision.cases.services import notify_event
from supervision.core.actors import SYSTEM
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.geo import postgis
from supervision.geo.fence import NO_ZONE, FenceIndex, Zone
from supervision.geo.services import zones_between
from supervision.sandbox.models import BREACH_KINDS, BreachEpisode, ConditionSet, Position, PositionSeal, SandboxTest
from supervision.sandbox.notifications import BREACH
from supervision.sandbox.signals import breach_opened
from workflows.base import N_
from workflows.sandbox import ACTIVE, RUNNING, SANDBOX

EPOCH = dt.datetime(1970, 1, 1)
# The allowed areas' table and its owner column, for the PostGIS checker; the tables it mirrors.
AREAS = ("sandbox_areas", "test_id")
POSTGIS_TABLES = ("prohibited_zones", "sandbox_areas")


@dataclass
class Outcome:
    accepted: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    breaches: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": self.rejected, "breaches": self.breaches}


@dataclass
class _Good:
    index: int
    unit: str
    time: dt.datetime          # naive UTC
    lon: float
    lat: float


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _time(value: Any) -> dt.datetime | None:
    """An RFC 3339 date-time with its offset, as naive UTC (None: not one)."""
    if not isinstance(value, str) or len(value) > 40 or "T" not in value.upper():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _read(records: list[Any], out: Outcome, translate) -> list[_Good]:
    """Well-formed records; each bad one is named by its index with the reason."""
    limit = utcnow() + dt.timedelta(seconds=current_app.config["SANDBOX"]["future_tolerance_seconds"])
    good = []
    for i, rec in enumerate(records):
        why = None
        if not isinstance(rec, dict) or set(rec) - {"unit", "time", "lon", "lat"}:
            why = N_("Expected an object with unit, time, lon and lat only.")
        elif not isinstance(rec.get("unit"), str) or not rec["unit"].strip() or len(rec["unit"]) > 40:
            why = N_("unit: expected the unit's code.")
        elif (when := _time(rec.get("time"))) is None:
            why = N_("time: expected an RFC 3339 date-time with its offset, e.g. 2026-12-07T09:30:00+08:00.")
        elif not (_number(rec.get("lon")) and _number(rec.get("lat"))):
            why = N_("lon, lat: expected numbers.")
        elif not (-180 <= rec["lon"] <= 180 and -90 <= rec["lat"] <= 90):
            why = N_("lon, lat: out of range (longitude -180..180, latitude -90..90).")
        elif when > limit:
            why = N_("time: more than 5 minutes in the future.")
        if why:
            out.rejected.append({"index": i, "message": translate(why)})
        else:
            good.append(_Good(i, rec["unit"].strip().upper(), when, float(rec["lon"]), float(rec["lat"])))
    return good


@dataclass
class _Test:
    case: Case
    test: SandboxTest
    conditions: ConditionSet
    active: bool


def _running_tests(firm_id: int) -> list[_Test]:
    rows = db.session.execute(
        db.select(Case, SandboxTest).join(SandboxTest, SandboxTest.case_id == Case.id)
        .where(Case.case_type == "sandbox", Case.firm_id == firm_id, Case.state.in_(SANDBOX.tagged(RUNNING)))
        .order_by(Case.id)).all()
    out = []
    for case, test in rows:
        cs = db.session.execute(db.select(ConditionSet).filter_by(test_id=test.id)
                                .order_by(ConditionSet.version.desc()).limit(1)).scalar()
        if cs is not None:
            out.append(_Test(case, test, cs, ACTIVE in SANDBOX.states[case.state].tags))
    return out


def _firm_units(firm_id: int, codes: set[str]) -> set[str]:
    from supervision.units.models import Unit

    return set(db.session.execute(db.select(Unit.code).where(
        Unit.code.in_(codes), (Unit.holder_id == firm_id) | (Unit.manufacturer_id == firm_id))).scalars())


def ingest(firm, records: list[Any], *, translate=lambda s: s) -> Outcome:
    """Check and record ``records`` for ``firm`` (the API token's firm: nothing of another firm is
    read or written).  Flushes; the request's unit of work commits."""
    out = Outcome()
    good = _read(records, out, translate)
    tests = _running_tests(firm.id)
    by_unit: dict[str, _Test] = {}
    for t in tests:
        for code in t.conditions.unit_codes:
            by_unit.setdefault(code, t)
    owned = _firm_units(firm.id, {g.unit for g in good} - set(by_unit))
    placed: list[tuple[_Good, _Test, str | None]] = []
    for g in good:
        t = by_unit.get(g.unit)
        if t is not None:
            placed.append((g, t, None))
        elif g.unit in owned and tests:
            placed.append((g, tests[-1], "unit_not_in_test"))
        else:
            out.rejected.append({"index": g.index, "message": translate(
                N_("unit: not a unit of your firm in a test in progress.") if g.unit not in owned
                else N_("unit: your firm has no sandbox test in progress."))})
    out.rejected.sort(key=lambda r: r["index"])
    if not placed:
        return out
    kinds, zone_ids = _check(placed)
    _store(placed, kinds, zone_ids, out)
    out.accepted = len(placed)
    seal_if_due()
    return out


def _check(placed: list[tuple[_Good, _Test, str | None]]) -> tuple[list[str | None], list[int | None]]:
    """The breach kind (or None) of each placed position, vectorised over the batch."""
    tests = {id(t): t for _, t, _ in placed}
    times = [g.time for g, _, _ in placed]
    lon, lat = [g.lon for g, _, _ in placed], [g.lat for g, _, _ in placed]
    owners = [t.test.id for _, t, _ in placed]
    if current_app.config.get("FENCE_ENGINE") == "postgis":
        area_ids = sorted({a for t in tests.values() for a in t.conditions.area_ids})
        result = postgis.check(db.session.connection(), AREAS, area_ids, lon, lat, owners, times)
    else:
        areas = []
        for t in tests.values():
            ids = set(t.conditions.area_ids)
            areas += [(t.test.id, shape(a.geometry)) for a in t.test.areas if a.id in ids]
        zone_rows = zones_between(min(times), max(times))
        index = FenceIndex(areas, [Zone(z.id, shape(z.geometry), _epoch(z.valid_from),
                                        _epoch(z.valid_to) if z.valid_to else None) for z in zone_rows])
        result = index.check(np.array(lon), np.array(lat), np.array(owners, dtype=np.int64),
                             np.array([_epoch(t_) for t_ in times], dtype=np.int64))
    kinds: list[str | None] = []
    zone_ids: list[int | None] = []
    for i, (g, t, forced) in enumerate(placed):
        zone = int(result.zone[i])
        zone_ids.append(None if zone == NO_ZONE else zone)
        day = (g.time + dt.timedelta(hours=8)).date()  # the period is in Beijing dates
        if forced:
            kinds.append(forced)
        elif not t.active or not (t.conditions.period_start <= day <= t.conditions.period_end):
            kinds.append("outside_period")
        elif zone != NO_ZONE:
            kinds.append("prohibited_zone")
        elif not result.inside_area[i]:
            kinds.append("outside_area")
        else:
            kinds.append(None)
    return kinds, zone_ids


def _epoch(when: dt.datetime) -> int:
    return int((when - EPOCH).total_seconds())


def _store(placed, kinds, zone_ids, out: Outcome) -> None:
    now = utcnow()
    order = sorted(range(len(placed)), key=lambda i: (placed[i][1].case.id, placed[i][0].unit, placed[i][0].time))
    open_eps = {(e.case_id, e.unit): e for e in db.session.execute(db.select(BreachEpisode).where(
        BreachEpisode.case_id.in_({t.case.id for _, t, _ in placed}), BreachEpisode.closed_at.is_(None))).scalars()}
    episode_of: dict[int, int | None] = {}
    opened, closed = [], []
    for i in order:
        g, t, _ = placed[i]
        key, kind = (t.case.id, g.unit), kinds[i]
        ep = open_eps.get(key)
        if kind is None:
            if ep is not None and g.time >= ep.last_at:
                ep.closed_at = g.time
                closed.append(ep)
                del open_eps[key]
            episode_of[i] = None
            continue
        if ep is None or ep.kind != kind:
            if ep is not None:
                ep.closed_at = g.time
                closed.append(ep)
            ep = BreachEpisode(case_id=t.case.id, unit=g.unit, kind=kind, opened_at=g.time, last_at=g.time,
                               count=0, first_lon=g.lon, first_lat=g.lat)
            db.session.add(ep)
            db.session.flush()
            open_eps[key] = ep
            opened.append((ep, t))
        ep.count += 1
        ep.last_at = max(ep.last_at, g.time)
        episode_of[i] = ep.id
    db.session.execute(Position.__table__.insert(), [  # Core executemany: one statement for the batch
        {"case_id": placed[i][1].case.id, "unit": placed[i][0].unit, "time": placed[i][0].time,
         "lon": placed[i][0].lon, "lat": placed[i][0].lat, "received_at": now, "breach": kinds[i],
         "episode_id": episode_of[i], "zone_id": zone_ids[i]} for i in range(len(placed))])
    for i in range(len(placed)):
        if kinds[i] is not None:
            out.breaches.append({"index": placed[i][0].index, "unit": placed[i][0].unit, "kind": kinds[i],
                                 "episode": episode_of[i]})
    out.breaches.sort(key=lambda b: b["index"])
    db.session.flush()
    for ep, t in opened:
        record("sandbox.breach", actor=SYSTEM, case=t.case, object_type="breach_episode", object_id=ep.id,
               details={"unit": ep.unit, "kind": ep.kind, "at": ep.opened_at.isoformat()})
        notify_event(t.case, BREACH, SYSTEM, action_label=BREACH_KINDS[ep.kind], params={"unit": ep.unit})
        breach_opened.send(ep, case=t.case, kind_label=BREACH_KINDS[ep.kind])
    for ep in closed:
        record("sandbox.breach_closed", actor=SYSTEM, case=db.session.get(Case, ep.case_id),
               object_type="breach_episode", object_id=ep.id,
               details={"unit": ep.unit, "kind": ep.kind, "positions": ep.count})


# -- sealing the ledger --------------------------------------------------------------------


def _line(row) -> bytes:
    return (f"{row.id}\t{row.case_id}\t{row.unit}\t{row.time.isoformat()}\t{row.lon!r}\t{row.lat!r}\t"
            f"{row.breach or ''}\n").encode()


def seal(*, now: dt.datetime | None = None) -> PositionSeal | None:
    """Seal every position not sealed yet: one ``PositionSeal`` and one audit event with its
    SHA-256 (over one line per position, in id order)."""
    rows = db.session.execute(db.select(Position.id, Position.case_id, Position.unit, Position.time,
                                        Position.lon, Position.lat, Position.breach)
                              .where(Position.seal_id.is_(None)).order_by(Position.id)).all()
    if not rows:
        return None
    digest = hashlib.sha256()
    for row in rows:
        digest.update(_line(row))
    s = PositionSeal(first_id=rows[0].id, last_id=rows[-1].id, count=len(rows), sha256=digest.hexdigest(),
                     created_at=now or utcnow())
    db.session.add(s)
    db.session.flush()
    db.session.execute(db.update(Position).where(Position.seal_id.is_(None), Position.id <= rows[-1].id)
                       .values(seal_id=s.id))
    record("sandbox.positions_seal", actor=SYSTEM, object_type="position_seal", object_id=s.id,
           details={"first_id": s.first_id, "last_id": s.last_id, "count": s.count, "sha256": s.sha256})
    return s


def seal_if_due() -> PositionSeal | None:
    """Seal when the newest seal is older than the interval (at most one audit event per interval)."""
    last = db.session.execute(db.select(db.func.max(PositionSeal.created_at))).scalar()
    every = dt.timedelta(seconds=current_app.config["SANDBOX"]["seal_seconds"])
    if last is not None and utcnow() - last < every:
        return None
    return seal()


def verify_seal(s: PositionSeal) -> bool:
    """Whether the positions of ``s`` still hash to what the seal (and its audit event) says."""
    rows = db.session.execute(db.select(Position.id, Position.case_id, Position.unit, Position.time,
                                        Position.lon, Position.lat, Position.breach)
                              .where(Position.seal_id == s.id).order_by(Position.id)).all()
    digest = hashlib.sha256()
    for row in rows:
        digest.update(_line(row))
    return len(rows) == s.count and digest.hexdigest() == s.sha256


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete positions older than the retention period (personal tracking information); the
    seals and their audit events stay."""
    keep = dt.timedelta(days=current_app.config["SANDBOX"]["position_retention_days"])
    cut = (now or utcnow()) - keep
    result = db.session.execute(db.delete(Position).where(Position.time < cut, Position.seal_id.is_not(None)))
    if result.rowcount:
        record("sandbox.positions_purge", actor=SYSTEM, object_type="sandbox_positions",
               details={"before": cut.isoformat(), "deleted": result.rowcount})
    return result.rowcount or 0
