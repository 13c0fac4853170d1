"""Fill a benchmark database to the issue's scale (1,000,000 units, 5,000,000 events) in minutes:
rows written with multi-row INSERTs, not through ``units.services`` / ``units.events`` (those are
what the benchmarks time, at their own sizes).

The rows are what the services would have written for units that went through
manufacture → ship → sell → put into service → maintenance started: one ``UnitBatch`` per
10,000 units with valid codes (rule v1, check character included), one ``UnitSubmission`` per
10,000 events, each ``UnitEvent`` with its canonical JSON and its ``UnitEventUnit`` row, and the
model's ``last_serial`` moved on so that later batches continue after them.  No audit events are
written: the fill stands for history that is already there, and the audit chain is not timed here.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.units import codes
from supervision.units.models import ModelCode, Unit, UnitBatch, UnitEvent, UnitEventUnit, UnitSubmission
from supervision.units.events import submission_digest
from supervision.units.services import prefix_of
from supervision.units.validation import canonical
from workflows.unit_lifecycle import CBV

BATCH = 10_000
CHAIN = (("manufacture", "code_assigned", "manufactured"), ("ship", "manufactured", "in_distribution"),
         ("sell", "in_distribution", "sold"), ("put_in_service", "sold", "in_service"),
         ("start_maintenance", "in_service", "under_maintenance"))


def fill(*, model, firm, units: int, events: int, progress=print) -> None:
    """Add ``units`` coded units of ``model`` (made by and held by ``firm``) and ``events`` events
    spread over them (at most ``len(CHAIN)`` per unit, oldest units first), committing every batch."""
    events = min(events, units * len(CHAIN))
    per_unit, extra = divmod(events, units) if units else (0, 0)
    rule, prefix = codes.CURRENT, prefix_of(firm)
    mc = db.session.execute(db.select(ModelCode).filter_by(model_id=model.id)).scalar_one()
    start = utcnow() - dt.timedelta(days=400)
    done_units = done_events = 0
    while done_units < units:
        size = min(BATCH, units - done_units)
        first = mc.last_serial + 1
        mc.last_serial += size
        batch = UnitBatch(firm_id=firm.id, model_id=model.id, size=size, first_serial=first,
                          last_serial=mc.last_serial)
        db.session.add(batch)
        db.session.flush()
        rows, chains = [], []
        for i, serial in enumerate(range(first, first + size)):
            n = per_unit + (1 if done_units + i < extra else 0)
            rows.append({"code": rule.compose(prefix, mc.code, serial).text, "rule_version": rule.version,
                         "model_id": model.id, "batch_id": batch.id, "serial": serial, "manufacturer_id": firm.id,
                         "holder_id": firm.id, "state": CHAIN[n - 1][2] if n else "code_assigned",
                         "version": 1 + n, "updated_at": start})
            chains.append(n)
        db.session.execute(insert(Unit.__table__), rows)
        ids = dict(db.session.execute(db.select(Unit.serial, Unit.id).where(Unit.batch_id == batch.id)).all())
        todo = [(ids[row["serial"]], row["code"], step) for row, n in zip(rows, chains) for step in range(n)]
        done_events += _events(firm, todo, start)
        done_units += size
        db.session.commit()
        progress(f"  filled {done_units:,} units, {done_events:,} events")


def _events(firm, todo: list[tuple[int, str, int]], start: dt.datetime) -> int:
    """Write the events of ``todo`` (unit id, code, step in CHAIN) in submissions of ``BATCH``."""
    for at in range(0, len(todo), BATCH):
        part = todo[at:at + BATCH]
        docs = []
        for unit_id, code, step in part:
            trigger, before, after = CHAIN[step]
            biz_step, disposition, action = CBV[trigger]
            when = start + dt.timedelta(days=step * 30, seconds=unit_id % 86_400)
            event_id = f"urn:uuid:{uuid.uuid4()}"
            text = canonical({"type": "ObjectEvent", "eventID": event_id, "epcList": [code],
                              "eventTime": when.replace(tzinfo=dt.timezone.utc).isoformat(),
                              "eventTimeZoneOffset": "+08:00", "recordTime": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                              "reporter": firm.credit_code, "whereDigest": None, "details": {},
                              "action": action, "bizStep": biz_step, "disposition": disposition})
            docs.append({"unit_id": unit_id, "from_state": before, "to_state": after, "event_id": event_id,
                         "trigger": trigger, "biz_step": biz_step, "disposition": disposition, "event_time": when,
                         "time_zone_offset": "+08:00", "record_time": when, "reporter_id": firm.id,
                         "canonical": text})
        submission = UnitSubmission(firm_id=firm.id, channel="api", count=len(docs),
                                    sha256=submission_digest(d["canonical"] for d in docs))
        db.session.add(submission)
        db.session.flush()
        event_cols = ("event_id", "trigger", "biz_step", "disposition", "event_time", "time_zone_offset",
                      "record_time", "reporter_id", "canonical")
        db.session.execute(insert(UnitEvent.__table__), [
            {"submission_id": submission.id, "position": i, **{k: d[k] for k in event_cols}}
            for i, d in enumerate(docs)])
        event_ids = dict(db.session.execute(
            db.select(UnitEvent.position, UnitEvent.id).where(UnitEvent.submission_id == submission.id)).all())
        db.session.execute(insert(UnitEventUnit.__table__), [
            {"event_id": event_ids[i], "unit_id": d["unit_id"], "from_state": d["from_state"],
             "to_state": d["to_state"]}
            for i, d in enumerate(docs)])
    return len(todo)
