"""Recording lifecycle events: the one service behind the form, the CSV upload and the API.

``record`` checks a whole submission before anything is written (each event's own shape in
``validation``; then who holds each unit and the lifecycle table for every unit, event after
event) and then records all of it or, on any problem, nothing: ``EventsRejected`` lists every
problem as ``{"index", "field", "message"}`` with the message in the current locale.  A firm
records only for units it holds (the receiving firm answers a pending transfer; the
manufacturer may recall units others hold).  The submission is one audit event carrying the
SHA-256 of the canonical JSON (RFC 8785) of the events it recorded: ``ledger.verify`` re-checks
it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from flask_babel import gettext
from sqlalchemy import insert

from supervision.accounts.models import Organisation
from supervision.audit.services import record as audit
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.units import schema
from supervision.units.models import CHANNELS, Unit, UnitEventLocation, UnitEvent, UnitEventUnit, UnitSubmission
from supervision.units.validation import (M_ALREADY_DECLARED, M_IMPOSSIBLE, M_NOT_A_LIST, M_NOT_HELD,
                                          M_NOT_ISSUED, M_NOT_LATEST, M_TOO_MANY, M_TOO_MANY_CODES, Checked, Errors,
                                          canonical, check_event_ids, check_shape, chunks)
from workflows.base import Context, InvalidTrigger, TransitionRefused
from workflows.unit_lifecycle import CBV, HOLDER, MANUFACTURER, RECEIVER, TRANSFER_TRIGGERS, UNIT_LIFECYCLE

AUDIT_ACTION = "units.events_recorded"


class EventsRejected(Exception):
    """Nothing was recorded; ``errors`` says what to fix, event by event."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__(f"{len(errors)} problem(s) in the events")
        self.errors = errors


@dataclass
class _Sim:
    """What a submission would make of one unit, before anything is written."""

    unit: Unit
    state: str
    holder_id: int
    transfer_to_id: int | None
    state_before_lost: str | None
    recall_id: int | None
    changed: bool = False


def record(*, firm: Organisation, actor, events: list[dict], channel: str,
           recall_id: int | None = None, limit: int = schema.MAX_EVENTS) -> list[int]:
    """Record ``events`` for ``firm`` (all or none); the ids of the recorded events, in order.
    ``limit``: at most this many events (a CSV file may hold more than an API request)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    errors = Errors()
    if not isinstance(events, list) or not events:
        errors.add(None, "events", M_NOT_A_LIST)
        raise EventsRejected(errors)
    if len(events) > limit:
        errors.add(None, "events", M_TOO_MANY, limit=limit)
        raise EventsRejected(errors)
    checked = [c for i, raw in enumerate(events) if (c := check_shape(i, raw, firm, errors)) is not None]
    if sum(len(c.codes) for c in checked) > schema.MAX_CODES_PER_SUBMISSION:
        errors.add(None, "events", M_TOO_MANY_CODES, limit=f"{schema.MAX_CODES_PER_SUBMISSION:,}")
        raise EventsRejected(errors)
    units = _load_units({code for c in checked for code in c.codes})
    check_event_ids(checked, errors)
    sims: dict[int, _Sim] = {}
    plans: list[tuple[Checked, list[tuple[Unit, str, str]]]] = []
    declared_now: set[int] = set()
    for c in checked:
        plan = _simulate(c, firm, units, sims, declared_now, errors)
        if plan is not None:
            plans.append((c, plan))
    if errors:
        errors.sort(key=lambda e: (e["index"] if e["index"] is not None else -1))
        raise EventsRejected(errors)
    return _write(firm, actor, channel, plans, sims, recall_id)


# -- the lifecycle, event after event ----------------------------------------------------------

def _load_units(unit_codes: set[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for part in chunks(sorted(unit_codes)):
        for unit in db.session.execute(db.select(Unit).where(Unit.code.in_(part))).scalars():
            found[unit.code] = unit
    return found


def roles_for(firm_id: int, holder_id: int, transfer_to_id: int | None, manufacturer_id: int) -> frozenset[str]:
    """The roles a firm holds on a unit in the lifecycle table."""
    roles = set()
    if firm_id == holder_id:
        roles.add(HOLDER)
    if firm_id == manufacturer_id:
        roles.add(MANUFACTURER)
    if transfer_to_id is not None and firm_id == transfer_to_id:
        roles.add(RECEIVER)
    return frozenset(roles)


def _sim_of(unit: Unit, sims: dict[int, _Sim]) -> _Sim:
    if unit.id not in sims:
        sims[unit.id] = _Sim(unit, unit.state, unit.holder_id, unit.transfer_to_id,
                             unit.state_before_lost, unit.recall_id)
    return sims[unit.id]


def _simulate(c: Checked, firm: Organisation, units: dict[str, Unit], sims: dict[int, _Sim],
              declared_now: set[int], errors: Errors) -> list[tuple[Unit, str, str]] | None:
    if c.declared is not None:
        return _simulate_declaration(c, units, sims, declared_now, errors)
    plan, ok = [], True
    step_label = UNIT_LIFECYCLE.row_of(c.trigger).label
    for j, code in enumerate(c.codes):
        unit = units.get(code)
        if unit is None:
            errors.add(c.index, f"epcList[{j}]", M_NOT_ISSUED)
            ok = False
            continue
        sim = _sim_of(unit, sims)
        roles = roles_for(firm.id, sim.holder_id, sim.transfer_to_id, unit.manufacturer_id)
        if not roles & {HOLDER, RECEIVER} and not (c.trigger == "recall" and MANUFACTURER in roles):
            errors.add(c.index, f"epcList[{j}]", M_NOT_HELD)
            ok = False
            continue
        ctx = Context(None, roles, {"transfer_pending": sim.transfer_to_id is not None,
                                    "state_before_lost": sim.state_before_lost})
        before = sim.state
        try:
            UNIT_LIFECYCLE.fire(sim, c.trigger, ctx)
        except InvalidTrigger:
            errors.add(c.index, f"epcList[{j}]", M_IMPOSSIBLE, state=gettext(UNIT_LIFECYCLE.state_label(before)),
                       step=gettext(step_label))
            ok = False
            continue
        except TransitionRefused as refused:
            for reason in refused.reasons:
                errors.add(c.index, f"epcList[{j}]", reason)
            ok = False
            continue
        _side_effects(sim, c, before, firm)
        plan.append((unit, before, sim.state))
    return plan if ok else None


def _side_effects(sim: _Sim, c: Checked, before: str, firm: Organisation) -> None:
    if c.trigger == "transfer":
        sim.transfer_to_id = c.destination.id
    elif c.trigger == "accept_transfer":
        sim.holder_id, sim.transfer_to_id = firm.id, None
    elif c.trigger == "void_transfer":
        sim.transfer_to_id = None
    elif c.trigger == "lose":
        sim.state_before_lost = before
    if c.trigger not in TRANSFER_TRIGGERS:
        sim.changed = True


def _simulate_declaration(c: Checked, units: dict[str, Unit], sims: dict[int, _Sim],
                          declared_now: set[int], errors: Errors) -> list[tuple[Unit, str, str]] | None:
    target = c.declared
    if target.id in declared_now:
        errors.add(c.index, "errorDeclaration.eventID", M_ALREADY_DECLARED)
        return None
    rows = db.session.execute(db.select(UnitEventUnit).filter_by(event_id=target.id)).scalars().all()
    plan = []
    for row in rows:
        unit = row.unit
        sim = _sim_of(unit, sims)
        latest = db.session.execute(
            db.select(UnitEventUnit.event_id).where(UnitEventUnit.unit_id == unit.id,
                                                    UnitEventUnit.from_state != UnitEventUnit.to_state)
            .order_by(UnitEventUnit.event_id.desc()).limit(1)).scalar()
        if sim.changed or latest != target.id or sim.state != row.to_state:
            errors.add(c.index, "errorDeclaration.eventID", M_NOT_LATEST, code=unit.code)
            return None
        before = sim.state
        sim.state, sim.changed = row.from_state, True
        if target.trigger == "lose":
            sim.state_before_lost = None
        if target.trigger == "recall":
            sim.recall_id = None
        plan.append((unit, before, sim.state))
    declared_now.add(target.id)
    c.codes = [u.code for u, _b, _a in plan]
    return plan


# -- writing -------------------------------------------------------------------------------------

def _document(c: Checked, firm: Organisation, event_id: str, record_time: dt.datetime,
              where_digest: str | None) -> dict:
    doc: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": event_id,
        "epcList": c.codes,
        "eventTime": c.event_time.isoformat(),
        "eventTimeZoneOffset": c.offset,
        "recordTime": record_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "reporter": firm.credit_code,
        "whereDigest": where_digest,
        "details": c.details,
    }
    if c.declared is not None:
        decl = c.raw["errorDeclaration"]
        doc["errorDeclaration"] = {"declarationTime": doc["recordTime"], "eventID": c.declared.event_id,
                                   "reason": decl["reason"], "explanation": decl.get("explanation", "")}
        doc["action"] = "OBSERVE"
    else:
        step, disp, action = CBV[c.trigger]
        doc.update(action=action, bizStep=step, disposition=disp)
        if c.destination is not None:
            doc["destinationList"] = [{"type": "owning_party", "destination": c.destination.credit_code}]
    return doc


def submission_digest(canonical_events: Iterable[str]) -> str:
    """SHA-256 of the canonical JSON array of the recorded events (each already canonical)."""
    return hashlib.sha256(("[" + ",".join(canonical_events) + "]").encode("utf-8")).hexdigest()


def where_digest(salt: str, document: str) -> str:
    return hashlib.sha256((salt + document).encode("utf-8")).hexdigest()


def _write(firm: Organisation, actor, channel: str, plans: list, sims: dict[int, _Sim],
           recall_id: int | None) -> list[int]:
    """Write the submission: its events, locations and event-unit rows as multi-row INSERTs (an
    ORM object per event would flush them one by one: the events refer to each other), then the
    units' new states through the ORM (their version column guards against a concurrent change)."""
    now = utcnow()
    actor_id = actor.id if getattr(actor, "is_authenticated", False) else None
    rows, canon, locations = [], [], {}
    for c, plan in plans:
        event_id = c.raw.get("eventID") or f"urn:uuid:{uuid.uuid4()}"
        digest = None
        if c.where:
            salt = secrets.token_hex(16)
            locations[c.index] = {"salt": salt, "document": canonical(c.where), "created_at": now}
            digest = where_digest(salt, locations[c.index]["document"])
        text = canonical(_document(c, firm, event_id, now, digest))
        canon.append(text)
        rows.append(({"event_id": event_id, "position": c.index, "trigger": c.trigger,
                      "biz_step": CBV[c.trigger][0] if c.trigger else None,
                      "disposition": CBV[c.trigger][1] if c.trigger else None,
                      "event_time": c.event_time.astimezone(dt.timezone.utc).replace(tzinfo=None),
                      "time_zone_offset": c.offset, "record_time": now, "reporter_id": firm.id,
                      "reported_by_id": actor_id, "counterparty_id": c.destination.id if c.destination else None,
                      "declares_error_of_id": c.declared.id if c.declared else None, "canonical": text}, plan))
    submission = UnitSubmission(firm_id=firm.id, actor_id=actor_id, channel=channel, count=len(rows),
                                sha256=submission_digest(canon), created_at=now)
    db.session.add(submission)
    db.session.flush()
    db.session.execute(insert(UnitEvent.__table__), [{**row, "submission_id": submission.id} for row, _p in rows])
    ids = dict(db.session.execute(db.select(UnitEvent.position, UnitEvent.id)
                                  .where(UnitEvent.submission_id == submission.id)).all())
    if locations:
        db.session.execute(insert(UnitEventLocation.__table__),
                           [{**where, "event_id": ids[index]} for index, where in locations.items()])
    links = [{"event_id": ids[row["position"]], "unit_id": unit.id, "from_state": before, "to_state": after}
             for row, plan in rows for unit, before, after in plan]
    if links:
        db.session.execute(insert(UnitEventUnit.__table__), links)
    for sim in sims.values():
        unit = sim.unit
        if (unit.state, unit.holder_id, unit.transfer_to_id, unit.state_before_lost, unit.recall_id) != (
                sim.state, sim.holder_id, sim.transfer_to_id, sim.state_before_lost, sim.recall_id):
            unit.state, unit.holder_id, unit.transfer_to_id = sim.state, sim.holder_id, sim.transfer_to_id
            unit.state_before_lost, unit.updated_at = sim.state_before_lost, now
            unit.recall_id = recall_id if sim.state == "recalled" and recall_id else sim.recall_id
    db.session.flush()
    audit(AUDIT_ACTION, actor=actor if actor_id else None, object_type="unit_submission",
          object_id=submission.id, details={"sha256": submission.sha256, "count": len(rows),
                                            "channel": channel, "firm_id": firm.id})
    return [ids[row["position"]] for row, _p in rows]
