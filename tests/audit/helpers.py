"""Helpers for the audit tests: make events, tamper with rows behind the application's back."""
from __future__ import annotations

from sqlalchemy import text

from supervision.audit.models import AuditEvent
from supervision.audit.services import record_now
from supervision.extensions import db

TABLE = AuditEvent.__table__


def make_events(n: int, action: str = "test.event") -> None:
    """``n`` events numbered 1..n (on an empty log) with reasons ``reason 1`` … ``reason n``."""
    for i in range(1, n + 1):
        record_now(action, object_type="test", object_id=i, reason=f"reason {i}")


def tamper(sql: str, **params) -> None:
    """Run SQL on the audit table as an attacker with database access would.  On PostgreSQL the
    append-only trigger is first switched off for this transaction (superuser only)."""
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(sql), params)


def swap_rows(k: int) -> None:
    """Swap every column but ``seq`` between events k and k+1 (the hash is unique, so it moves
    through a placeholder)."""
    db.session.remove()
    cols = [c.name for c in TABLE.columns if c.name != "seq"]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        a, b = (conn.execute(TABLE.select().where(TABLE.c.seq == s)).mappings().one() for s in (k, k + 1))
        conn.execute(TABLE.update().where(TABLE.c.seq == k).values(hash="placeholder"))
        conn.execute(TABLE.update().where(TABLE.c.seq == k + 1).values({c: a[c] for c in cols}))
        conn.execute(TABLE.update().where(TABLE.c.seq == k).values({c: b[c] for c in cols}))


def events() -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars())
