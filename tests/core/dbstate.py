"""Snapshots of the database, to prove that a request changed nothing."""
from __future__ import annotations

from supervision.extensions import db


def snapshot(*, with_audit: bool = True) -> dict[str, list[tuple]]:
    """Every row of every table (the audit log only when ``with_audit``), as comparable text.
    The throttle counters (failed sign-ins, probing misses) are bookkeeping, not data."""
    db.session.commit()  # read what the requests committed, not an old snapshot
    out = {}
    for table in db.metadata.sorted_tables:
        if (table.name == "audit_events" and not with_audit) or table.name == "login_throttle":
            continue
        rows = db.session.execute(table.select()).all()
        out[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def audit_actions() -> list[str]:
    from supervision.audit.models import AuditEvent

    db.session.commit()
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def audit_actions_except_denials() -> list[str]:
    return [a for a in audit_actions() if a != "access.denied"]
