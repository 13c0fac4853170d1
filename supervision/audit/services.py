"""Writing audit events: one event per change, in the same transaction as the change.

``record`` appends an event to the caller's session (the unit of work's single commit makes the
change and its event durable together, or neither); ``record_now`` is for events that accompany
no business change and must survive an error answer (a refused sign-in, a denied access): it
commits at once, and refuses to when the session holds any other uncommitted work.  Appends are
serialised so the global sequence stays gap-free and the chain linear.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any


from supervision.audit import chain
from supervision.audit.models import AuditEvent
from supervision.core import uow
from supervision.core.actors import SYSTEM_ROLE, is_system
from supervision.core.database import lock_for_writing
from supervision.core.requestctx import client_address, current_request_id
from supervision.core.timeutil import utcnow
from supervision.extensions import db

# Any constant works; it names the one lock that serialises appends on PostgreSQL.
_PG_LOCK_KEY = 0x4155444954  # "AUDIT"

# Column widths: a value is clipped to fit, so an odd input can never make the write fail
# (and with it the change it records).  Free text (reason, details) is unlimited.
_WIDTHS = {
    "action": 64, "actor_email": 254, "actor_roles": 120, "object_type": 48, "object_id": 64,
    "workflow": 48, "trigger": 48, "from_state": 48, "to_state": 48, "request_id": 64,
    "client_address": 64,
}


def _lock_log() -> None:
    """Serialise appends so sequence numbers stay gap-free and the chain linear."""
    lock_for_writing(_PG_LOCK_KEY)


def _clean(value: str | None, width: int | None = None) -> str | None:
    """PostgreSQL text cannot hold NUL; clip to the column width."""
    if value is None:
        return None
    value = str(value).replace("\x00", "\ufffd")
    return value[:width] if width else value


def format_time(ts: dt.datetime) -> str:
    """A naive UTC timestamp as it appears in the hashed document."""
    return ts.strftime(chain.TIME_FORMAT)


def record(
    action: str,
    *,
    actor=None,
    object_type: str | None = None,
    object_id: Any = None,
    case=None,
    workflow: str | None = None,
    workflow_version: int | None = None,
    trigger: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    actor_email: str | None = None,
) -> AuditEvent:
    """Append one event to the session; the caller's commit makes it and the change durable.

    ``actor`` is the signed-in user, ``core.actors.SYSTEM`` (written as ``system``), or ``None``:
    the public, or a sign-in attempt, named by ``actor_email``.  An event about a case joins
    that case's chain and carries its workflow."""
    if case is not None and case.id is None:
        db.session.flush()
    if case is not None and workflow is None:
        workflow, workflow_version = case.case_type, case.workflow_version
    _lock_log()
    last = db.session.execute(
        db.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    prev_case_hash = None
    if case is not None:
        prev_case_hash = db.session.execute(
            db.select(AuditEvent.hash)
            .where(AuditEvent.case_id == case.id)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).scalar() or chain.GENESIS
    now = utcnow()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if is_system(actor):  # the platform acting on a timer: named, with its one role
        actor_email = SYSTEM_ROLE
    doc: dict[str, Any] = {
        "seq": (last.seq + 1) if last else 1,
        "time": format_time(now),
        "action": action,
        "actor_id": actor.id if authenticated else None,
        "actor_email": actor.email if authenticated else actor_email,
        "actor_roles": ",".join(sorted(actor.roles)) if authenticated or is_system(actor) else None,
        "organisation_id": actor.organisation_id if authenticated else None,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "case_id": case.id if case is not None else None,
        "workflow": workflow,
        "workflow_version": workflow_version,
        "trigger": trigger,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason or None,
        "details": (json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                               default=str) if details else None),
        "request_id": current_request_id(),
        "client_address": client_address(),
        "prev_hash": last.hash if last else chain.GENESIS,
        "prev_case_hash": prev_case_hash,
    }
    for key, value in doc.items():
        if isinstance(value, str) and key != "time":
            doc[key] = _clean(value, _WIDTHS.get(key))
    data = chain.canonical_bytes(doc)
    event = AuditEvent(
        created_at=now,
        hash=chain.digest(data),
        canonical=data.decode("utf-8"),
        **{k: v for k, v in doc.items() if k != "time"},
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_now(action: str, *, bookkeeping: tuple = (), **kwargs) -> None:
    """Record an event that accompanies no business change (a sign-in attempt, a denied
    access) and commit it at once, even though the request answers with an error.

    This is the one commit outside a unit of work, so it refuses (``PendingChanges``) when the
    session holds any other uncommitted work: it never makes someone else's change durable.
    ``bookkeeping`` names the objects that may go with the event (a sign-in throttle)."""
    if uow.pending_changes(allowed=tuple(bookkeeping)):
        raise PendingChanges(action)
    with uow.unit_of_work():
        record(action, **kwargs)


class PendingChanges(RuntimeError):
    """``record_now`` was called while the session held other uncommitted work."""

    def __init__(self, action: str):
        super().__init__(f"record_now({action!r}) refused: the session holds uncommitted work "
                         "(record it with record() in that unit of work instead)")
