"""Re-checking the whole audit log: hashes, the global chain, the per-case chains, order."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from supervision.audit import chain
from supervision.audit.models import AuditEvent
from supervision.core.timeutil import iso_z
from supervision.extensions import db


@dataclass
class VerifyResult:
    ok: bool
    verified: int
    first_bad: int | None = None
    problem: str | None = None


def _row_doc(ev: AuditEvent) -> dict:
    doc = {k: getattr(ev, k) for k in chain.FIELDS if k != "time"}
    doc["time"] = iso_z(ev.created_at)
    return doc


def verify_events(events: Iterable[AuditEvent]) -> VerifyResult:
    """Check events in ``seq`` order; stop at the first event that does not hold."""
    expected, prev_hash, case_heads, count = 1, chain.GENESIS, {}, 0
    for ev in events:
        if ev.seq != expected:
            # A gap means event ``expected`` was deleted; a smaller number means reordering.
            return VerifyResult(False, count, expected if ev.seq > expected else ev.seq,
                                "missing" if ev.seq > expected else "out of order")
        if chain.digest(ev.canonical.encode("utf-8")) != ev.hash:
            return VerifyResult(False, count, ev.seq, "hash does not match the stored bytes")
        doc = chain.parse(ev.canonical)
        if doc != _row_doc(ev):
            return VerifyResult(False, count, ev.seq, "stored fields differ from the hashed bytes")
        if doc["seq"] != ev.seq:
            return VerifyResult(False, count, ev.seq, "sequence number altered")
        if ev.prev_hash != prev_hash:
            return VerifyResult(False, count, ev.seq, "global chain broken")
        if ev.case_id is not None:
            if ev.prev_case_hash != case_heads.get(ev.case_id, chain.GENESIS):
                return VerifyResult(False, count, ev.seq, "case chain broken")
            case_heads[ev.case_id] = ev.hash
        prev_hash, expected, count = ev.hash, expected + 1, count + 1
    return VerifyResult(True, count)


def verify_database(batch: int = 5000) -> VerifyResult:
    stmt = db.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    result = verify_events(db.session.execute(stmt).scalars())
    db.session.rollback()
    return result
