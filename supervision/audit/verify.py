"""Re-checking the whole audit log: each event's hash over its stored bytes, that the bytes are
the canonical form of the stored fields, the global chain, the per-case chains and the order.

Reads only.  Used by ``flask audit verify`` and the auditors' verification page; the problems
are marked for translation so the page shows them in the user's language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import String, type_coerce
from sqlalchemy.exc import StatementError

from supervision.audit import chain
from supervision.audit.models import AuditEvent
from supervision.extensions import db
from workflows.base import N_

MISSING = N_("missing: the event was deleted")
HASH_MISMATCH = N_("its hash does not match its stored bytes: the event was altered")
NOT_CANONICAL = N_("its stored bytes are not a canonical event document: the event was altered")
MOVED = N_("it holds the content of another event: the log was reordered")
FIELDS_DIFFER = N_("its stored fields differ from its hashed bytes: the event was altered")
GLOBAL_BROKEN = N_("it does not link to the previous event: the log was altered or reordered")
UNREADABLE = N_("its stored values cannot be read: the event was altered")
CASE_BROKEN = N_("it does not link to the previous event of its case: the log was altered or reordered")

# The columns read, in this order: the document fields (``time`` comes from ``created_at``),
# then the stored hash and bytes.
_ROW_FIELDS = tuple(k for k in chain.FIELDS if k != "time")
# The time is read as the database gives it: a datetime from PostgreSQL, the stored text from
# SQLite (unparsed, so a malformed value is reported at its event rather than failing the read).
_COLUMNS = [getattr(AuditEvent, k) for k in _ROW_FIELDS] + [
    type_coerce(AuditEvent.created_at, String).label("created_at"), AuditEvent.hash,
    AuditEvent.canonical]
# SQLAlchemy's SQLite DATETIME storage format (always with microseconds).
_SQLITE_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
_I = {k: i for i, k in enumerate(_ROW_FIELDS)}
SEQ, CASE_ID, PREV_HASH, PREV_CASE_HASH = _I["seq"], _I["case_id"], _I["prev_hash"], _I["prev_case_hash"]
CREATED_AT, HASH, CANONICAL = len(_ROW_FIELDS), len(_ROW_FIELDS) + 1, len(_ROW_FIELDS) + 2


@dataclass
class VerifyResult:
    ok: bool
    verified: int                  # events that held, in order, before the first bad one
    first_bad: int | None = None   # the number of the first event that does not hold
    problem: str | None = None     # one of the messages above (English source text)
    head: str | None = None        # the hash of the last event verified


def _expected_text(row: Sequence[Any]) -> str | None:
    """The canonical text the stored fields of ``row`` must have been hashed as."""
    doc = dict(zip(_ROW_FIELDS, row, strict=False))
    ts = row[CREATED_AT]
    try:
        if isinstance(ts, str):
            if not _SQLITE_TIME.fullmatch(ts):
                return None
            doc["time"] = ts.replace(" ", "T") + "Z"
        else:
            doc["time"] = ts.strftime(chain.TIME_FORMAT)
        return chain.canonical_text(doc)
    except (AttributeError, TypeError, ValueError):
        return None


def _diagnose(row: Sequence[Any]) -> str:
    """Why the stored bytes of ``row`` (whose hash holds) disagree with its stored fields."""
    try:
        doc = chain.parse(row[CANONICAL])
    except chain.NotCanonical:
        return NOT_CANONICAL
    return MOVED if doc["seq"] != row[SEQ] else FIELDS_DIFFER


def verify_rows(rows: Iterable[Sequence[Any]], start: int = 1, prev_hash: str = chain.GENESIS,
                case_head: Callable[[int], str] | None = None) -> VerifyResult:
    """Check rows (columns as in ``_COLUMNS``) in ``seq`` order; stop at the first that does
    not hold.  The stored fields are written out canonically and must be exactly the stored
    bytes, whose SHA-256 must be the stored hash; then both chains are followed.

    From the middle of the log: ``start`` is the first event's number, ``prev_hash`` the hash
    of the event before it and ``case_head(case_id)`` a case's last hash before it."""
    expected, case_heads, count = start, {}, 0
    digest = chain.digest

    def bad(seq: int, problem: str) -> VerifyResult:
        return VerifyResult(False, count, seq, problem, prev_hash if count else None)

    stream = iter(rows)
    while True:
        try:
            row = next(stream)
        except StopIteration:
            break
        except (ValueError, TypeError, StatementError):  # e.g. a time SQLite cannot parse
            return bad(expected, UNREADABLE)
        seq = row[SEQ]
        if seq != expected:  # rows come ordered by the unique ``seq``: a gap is a deletion
            return bad(expected, MISSING)
        canonical, event_hash = row[CANONICAL], row[HASH]
        if digest(canonical.encode("utf-8")) != event_hash:
            return bad(seq, HASH_MISMATCH)
        if _expected_text(row) != canonical:
            return bad(seq, _diagnose(row))
        if row[PREV_HASH] != prev_hash:
            return bad(seq, GLOBAL_BROKEN)
        case_id = row[CASE_ID]
        if case_id is not None:
            if case_id not in case_heads:
                case_heads[case_id] = case_head(case_id) if case_head else chain.GENESIS
            if row[PREV_CASE_HASH] != case_heads[case_id]:
                return bad(seq, CASE_BROKEN)
            case_heads[case_id] = event_hash
        elif row[PREV_CASE_HASH] is not None:
            return bad(seq, CASE_BROKEN)
        prev_hash, expected, count = event_hash, expected + 1, count + 1
    return VerifyResult(True, count, head=prev_hash if count else None)


def verify_database(batch: int = 5000) -> VerifyResult:
    """Verify every stored event, streaming in batches.  Reads only: the transaction is left
    to the caller's unit of work (a rollback here would drop whatever it holds)."""
    stmt = db.select(*_COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    with db.session.execute(stmt) as result:  # closes a server-side cursor left half-read
        return verify_rows(result)


def verify_since(after: int, batch: int = 5000) -> VerifyResult:
    """Verify the events after number ``after`` (e.g. the last checkpoint's tree size) as
    ``verify_database`` does, chained onto the stored hashes of the events before them (which
    the caller has checked otherwise).  ``verified`` counts the events after ``after``."""
    if after <= 0:
        return verify_database(batch)
    prev_hash = db.session.execute(db.select(AuditEvent.hash).where(AuditEvent.seq == after)).scalar()
    if prev_hash is None:
        return VerifyResult(False, 0, after, MISSING)

    def case_head(case_id: int) -> str:
        head = db.session.execute(
            db.select(AuditEvent.hash).where(AuditEvent.case_id == case_id, AuditEvent.seq <= after)
            .order_by(AuditEvent.seq.desc()).limit(1)).scalar()
        return head or chain.GENESIS

    stmt = (db.select(*_COLUMNS).where(AuditEvent.seq > after).order_by(AuditEvent.seq)
            .execution_options(yield_per=batch))
    with db.session.execute(stmt) as result:
        return verify_rows(result, after + 1, prev_hash, case_head)
