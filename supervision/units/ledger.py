"""Re-checking the unit event ledger against the audit log (part of ``flask audit verify``).

Each submission's audit event carries the SHA-256 of the canonical JSON of the events it
recorded; the check recomputes it from the stored events, confirms the events' columns say what
their canonical text says, and that every location still kept matches the salted digest in its
event.  Reads only."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from supervision.audit.models import AuditEvent
from supervision.extensions import db
from supervision.units.events import AUDIT_ACTION, submission_digest, where_digest
from supervision.units.models import UnitEvent, UnitEventLocation, UnitEventUnit, UnitSubmission


@dataclass
class LedgerResult:
    ok: bool
    submissions: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)


def verify_ledger(batch: int = 5000) -> LedgerResult:
    result = LedgerResult(ok=True)
    audited = {int(object_id): json.loads(details or "{}").get("sha256")
               for object_id, details in db.session.execute(
                   db.select(AuditEvent.object_id, AuditEvent.details)
                   .where(AuditEvent.action == AUDIT_ACTION))}
    stored = {s.id: s for s in db.session.execute(db.select(UnitSubmission)).scalars()}
    linked: dict[int, int] = dict(db.session.execute(
        db.select(UnitEventUnit.event_id, db.func.count()).group_by(UnitEventUnit.event_id)).all())
    locations = {loc.event_id: loc for loc in db.session.execute(db.select(UnitEventLocation)).scalars()}
    texts: dict[int, list[str]] = {}
    stmt = db.select(UnitEvent).order_by(UnitEvent.submission_id, UnitEvent.id).execution_options(yield_per=batch)
    for event in db.session.execute(stmt).scalars():
        result.events += 1
        texts.setdefault(event.submission_id, []).append(event.canonical)
        doc = json.loads(event.canonical)
        if (doc.get("eventID"), doc.get("bizStep"), doc.get("disposition")) != (
                event.event_id, event.biz_step, event.disposition) or len(doc.get("epcList", [])) != linked.get(event.id, 0):
            result.problems.append(f"unit event {event.id}: its stored fields differ from its canonical text")
        loc = locations.get(event.id)
        if loc is not None and where_digest(loc.salt, loc.document) != doc.get("whereDigest"):
            result.problems.append(f"unit event {event.id}: its location does not match the digest in the ledger")
    for sub_id, sub in stored.items():
        result.submissions += 1
        digest = submission_digest(texts.get(sub_id, []))
        if sub_id not in audited:
            result.problems.append(f"unit submission {sub_id}: no audit event records it")
        elif audited[sub_id] != digest or sub.sha256 != digest or sub.count != len(texts.get(sub_id, [])):
            result.problems.append(f"unit submission {sub_id}: its events do not hash to the audited SHA-256")
    for sub_id in set(texts) - set(stored):
        result.problems.append(f"unit submission {sub_id}: events without their submission")
    result.ok = not result.problems
    return result


def check_for_cli() -> tuple[bool, list[str]]:
    """``flask audit verify``'s view of the ledger: (ok, lines to print)."""
    result = verify_ledger()
    if result.ok:
        return True, [f"ledger intact: {result.submissions} submissions, {result.events} events verified"]
    return False, ["ledger NOT intact:", *result.problems]
