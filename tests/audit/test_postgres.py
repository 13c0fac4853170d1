"""PostgreSQL only: the database itself refuses to change or remove audit events, and concurrent
appends keep the sequence gap-free and the chain valid."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from supervision.audit.models import AuditEvent
from supervision.audit.services import record_now
from supervision.audit.verify import verify_database
from supervision.extensions import db
from tests.audit.helpers import make_events

pytestmark = pytest.mark.postgres


def snapshot() -> list[tuple]:
    db.session.remove()
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT seq, reason, hash, canonical FROM audit_events ORDER BY seq"))]


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET reason = 'rewritten' WHERE seq = 2",
    "DELETE FROM audit_events WHERE seq = 2",
    "TRUNCATE audit_events",
    "TRUNCATE audit_events CASCADE",
])
def test_trigger_refuses_changes(app, statement):
    make_events(3)
    before = snapshot()
    assert len(before) == 3
    with pytest.raises(DBAPIError) as err:
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    assert "audit_events is append-only" in str(err.value)
    assert err.value.orig.sqlstate == "42501"  # insufficient_privilege
    assert snapshot() == before


def test_appends_are_still_allowed(app):
    make_events(2)
    record_now("test.after", reason="third")
    assert [r[0] for r in snapshot()] == [1, 2, 3]


def test_concurrent_appends_keep_seq_gap_free_and_the_chain_valid(app):
    threads_n, per_thread = 8, 25
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for i in range(per_thread):
                    record_now("test.concurrent", object_type="thread", object_id=n, reason=f"{n}/{i}")
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    seqs = db.session.execute(db.select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars().all()
    assert seqs == list(range(1, threads_n * per_thread + 1))
    result = verify_database()
    assert (result.ok, result.verified) == (True, 200)
    # Every thread's events are all there, each in its own order.
    reasons = db.session.execute(db.select(AuditEvent.reason).order_by(AuditEvent.seq)).scalars().all()
    for n in range(threads_n):
        mine = [r for r in reasons if r.startswith(f"{n}/")]
        assert mine == [f"{n}/{i}" for i in range(per_thread)]
