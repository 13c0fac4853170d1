"""PostgreSQL only: the database itself refuses to change or remove audit events."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from supervision.audit.services import record_now
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
