"""``flask --app wsgi audit verify`` re-checks the whole log and names the first event that was
altered, deleted or reordered.  The tampering is done directly in the database (on PostgreSQL
after switching off the append-only trigger, as only a superuser can)."""
from __future__ import annotations

import hashlib

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.extensions import db
from tests.audit.helpers import make_events, swap_rows, tamper


def verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_intact_log_exits_0_with_the_count(runner, app):
    make_events(12)
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "audit log intact: 12 events verified" in result.output


def test_empty_log_is_intact(runner, app):
    result = verify(runner)
    assert result.exit_code == 0
    assert "0 events verified" in result.output


def test_altered_field_is_named(runner, app):
    make_events(10)
    tamper("UPDATE audit_events SET reason = 'nothing happened' WHERE seq = 6")
    result = verify(runner)
    assert result.exit_code == 1
    assert "audit log NOT intact: event 6:" in result.output
    assert "stored fields differ" in result.output
    assert "(5 events before it verified)" in result.output


def test_altered_hashed_bytes_are_named(runner, app):
    make_events(10)
    tamper("UPDATE audit_events SET canonical = REPLACE(canonical, 'reason 4', 'reason X') WHERE seq = 4")
    result = verify(runner)
    assert result.exit_code == 1
    assert "event 4: its hash does not match its stored bytes" in result.output


def test_event_rewritten_with_a_fresh_hash_breaks_the_chain_at_the_next_event(runner, app):
    """Rewriting fields, bytes and hash of event 3 consistently leaves event 4 pointing at the
    old hash: the chain is broken there, and that is the event named."""
    make_events(10)
    ev = db.session.get(AuditEvent, 3)
    forged = ev.canonical.replace("reason 3", "forged")
    db.session.remove()
    tamper("UPDATE audit_events SET reason = 'forged', canonical = :c, hash = :h WHERE seq = 3",
           c=forged, h=hashlib.sha256(forged.encode()).hexdigest())
    result = verify(runner)
    assert result.exit_code == 1
    assert "event 4: it does not link to the previous event" in result.output


def test_deleted_event_is_named(runner, app):
    make_events(10)
    tamper("DELETE FROM audit_events WHERE seq = 7")
    result = verify(runner)
    assert result.exit_code == 1
    assert "audit log NOT intact: event 7: missing" in result.output


def test_deleted_first_event_is_named(runner, app):
    make_events(3)
    tamper("DELETE FROM audit_events WHERE seq = 1")
    result = verify(runner)
    assert result.exit_code == 1
    assert "event 1: missing" in result.output


def test_swapped_events_are_named(runner, app):
    make_events(10)
    swap_rows(5)
    result = verify(runner)
    assert result.exit_code == 1
    assert "audit log NOT intact: event 5: it holds the content of another event" in result.output


def test_renumbered_events_are_named(runner, app):
    """Moving event 8 to the end (a new number) leaves a gap at 8."""
    make_events(10)
    tamper("UPDATE audit_events SET seq = 11 WHERE seq = 8")
    result = verify(runner)
    assert result.exit_code == 1
    assert "event 8: missing" in result.output


def test_broken_case_chain_is_named(runner, world):
    """Moving an event from one case's chain to another's is detected at that event."""
    case_a, case_b = world.case(), world.case()
    cases.fire(case_a, "withdraw", actor=world.applicant_a, reason="no longer sold")
    db.session.commit()
    moved = db.session.execute(db.select(AuditEvent.seq).where(AuditEvent.action == "case.transition")).scalar_one()
    total = db.session.execute(db.select(db.func.count()).select_from(AuditEvent)).scalar_one()
    assert verify(runner).exit_code == 0
    tamper("UPDATE audit_events SET case_id = :b WHERE seq = :s", b=case_b.id, s=moved)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"event {moved}: its stored fields differ" in result.output
    assert moved == total  # the last event: the global chain alone could not tell


def test_altered_time_is_named(runner, app):
    make_events(5)
    tamper("UPDATE audit_events SET created_at = :t WHERE seq = 2",
           t=db.session.get(AuditEvent, 2).created_at.replace(microsecond=0))
    result = verify(runner)
    assert result.exit_code == 1
    assert "event 2: its stored fields differ" in result.output


def test_unreadable_time_is_named_not_a_traceback(runner, app):
    """SQLite stores whatever it is given; a time that cannot be read is reported, not raised."""
    make_events(5)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL refuses a malformed timestamp itself")
    tamper("UPDATE audit_events SET created_at = 'yesterday' WHERE seq = 3")
    result = verify(runner)
    assert result.exit_code == 1
    assert "audit log NOT intact: event 3: its stored fields differ" in result.output
