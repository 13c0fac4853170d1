"""Revision 0036 makes remediation a kind of deadline: the incident and conduct services' open
or closed ``remediation`` deadlines stored as ``other`` become ``remediation`` (a sandbox test's
period stays ``other``), the clock pauses that point at deadlines keep pointing at them through
SQLite's copy of the table, and downgrade turns them back.  Each run uses its own empty database."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from supervision import create_app
from supervision.extensions import db
from tests.test_migrations import temporary_postgres_database

NOW = dt.datetime(2026, 11, 2, 2, 0)


def _kinds(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text("SELECT id, name, kind FROM case_deadlines ORDER BY id"))]


def _pauses(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text("SELECT id, deadline_id FROM clock_pauses ORDER BY id"))]


def _check(url: str, tmp_path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None,
                     DOCUMENT_STORE=str(tmp_path / "documents"))
    with app.app_context():
        try:
            upgrade(revision="0035")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO organisations (id, kind, name_zh, name_en, created_at) "
                    "VALUES (1, 'department', '局', 'Bureau', :now)"), {"now": NOW})
                conn.execute(text(
                    "INSERT INTO cases (id, case_type, workflow_version, state, version, title, department_id, "
                    "created_at, updated_at, due_estimated) VALUES "
                    "(1, 'incident', 1, 'remediation_required', 1, 't', 1, :now, :now, false), "
                    "(2, 'sandbox', 1, 'testing', 1, 't', 1, :now, :now, false)"), {"now": NOW})
                conn.execute(text(
                    "INSERT INTO case_deadlines (id, case_id, name, kind, label, unit, started_at, due_at, due_date, "
                    "estimated, status, version) VALUES "
                    "(1, 1, 'remediation', 'other', 'Remediation', 'calendar_days', :s, :due, :day, false, 'running', 1), "
                    "(2, 2, 'period_end', 'other', '', 'calendar_days', :s, :due, :day, false, 'running', 1), "
                    "(3, 2, 'decision', 'statutory', '', 'working_days', :s, :due, :day, false, 'running', 1)"),
                    {"s": NOW, "due": dt.datetime(2026, 11, 30, 16), "day": dt.date(2026, 11, 30)})
                conn.execute(text(
                    "INSERT INTO clock_pauses (id, case_id, clock_name, state, started_at, deadline_id) "
                    "VALUES (1, 2, 'decision', 'testing', :s, 3), (2, 1, 'remediation', 'x', :s, NULL)"), {"s": NOW})

            upgrade()
            with db.engine.connect() as conn:
                assert _kinds(conn) == [(1, "remediation", "remediation"), (2, "period_end", "other"),
                                        (3, "decision", "statutory")]
                assert _pauses(conn) == [(1, 3), (2, None)]
            with pytest.raises(IntegrityError), db.engine.begin() as conn:   # the check still holds
                conn.execute(text("UPDATE case_deadlines SET kind = 'later' WHERE id = 3"))

            downgrade(revision="0035")
            with db.engine.connect() as conn:
                assert _kinds(conn) == [(1, "remediation", "other"), (2, "period_end", "other"),
                                        (3, "decision", "statutory")]
                assert _pauses(conn) == [(1, 3), (2, None)]
            with pytest.raises(IntegrityError), db.engine.begin() as conn:   # remediation is not a kind before
                conn.execute(text("UPDATE case_deadlines SET kind = 'remediation' WHERE id = 1"))
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_remediation_deadlines_get_their_kind_and_back(tmp_path):
    _check(f"sqlite:///{tmp_path / 'remediation.db'}", tmp_path)


@pytest.mark.postgres
def test_postgres_remediation_deadlines_get_their_kind_and_back(app, tmp_path):
    with temporary_postgres_database() as url:
        _check(url, tmp_path)
