"""Concurrent appends from many connections (threads here, gunicorn workers in production) keep
the sequence gap-free and the chain valid, on SQLite as on PostgreSQL: none of them fails."""
from __future__ import annotations

import threading

from supervision.audit.models import AuditEvent
from supervision.audit.services import record_now
from supervision.audit.verify import verify_database
from supervision.extensions import db


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
