"""Revision 0007 turns the clock each case carried in its own columns into its first deadline
(linking that clock's pauses), and its downgrade puts the nearest statutory deadline back into
the case's columns.  Each run uses its own empty database."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from supervision import create_app
from supervision.extensions import db
from tests.test_migrations import temporary_postgres_database

NOW = dt.datetime(2026, 4, 13, 2, 0)


def _rows(conn, sql: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(sql))]


def _check(url: str, tmp_path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None,
                     DOCUMENT_STORE=str(tmp_path / "documents"))
    with app.app_context():
        try:
            upgrade(revision="0004")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO organisations (id, kind, name_zh, name_en, created_at) "
                    "VALUES (1, 'department', '局', 'Bureau', :now)"), {"now": NOW})
                case = ("INSERT INTO cases (id, case_type, workflow_version, state, version, title, "
                        "department_id, created_at, updated_at, clock_name, clock_started_on, due_date, "
                        "due_estimated, clock_paused_at) VALUES (:id, 'registration', 1, :state, 1, 't', 1, "
                        ":now, :now, :clock, :started, :due, :est, :paused)")
                conn.execute(text(case), [
                    # paused in its supplement notice since 2 Apr 2026 (10:00 in Shanghai)
                    {"id": 1, "state": "supplement_requested", "clock": "acceptance", "started": dt.date(2026, 4, 1),
                     "due": dt.date(2026, 4, 9), "est": False, "paused": dt.datetime(2026, 4, 2, 2), "now": NOW},
                    {"id": 2, "state": "accepted", "clock": "decision", "started": dt.date(2026, 12, 20),
                     "due": dt.date(2027, 1, 18), "est": True, "paused": None, "now": NOW},
                    {"id": 3, "state": "draft", "clock": None, "started": None, "due": None, "est": False,
                     "paused": None, "now": NOW},
                ])
                conn.execute(text(
                    "INSERT INTO clock_pauses (id, case_id, clock_name, state, started_at, ended_at, working_days) "
                    "VALUES (1, 2, 'acceptance', 'supplement_requested', :a, :b, 2), "
                    "(2, 1, 'acceptance', 'supplement_requested', :c, NULL, NULL)"),
                    {"a": dt.datetime(2026, 12, 1, 2), "b": dt.datetime(2026, 12, 3, 2),
                     "c": dt.datetime(2026, 4, 2, 2)})

            upgrade()
            with db.engine.connect() as conn:
                assert _rows(conn, "SELECT case_id, name, kind, label, unit, length, started_at, due_at, "
                                   "due_date, estimated, paused_at, status, closed_at "
                                   "FROM case_deadlines ORDER BY case_id") == [
                    (1, "acceptance", "statutory", "Acceptance decision", "working_days", 5,
                     _ts(conn, "2026-03-31 16:00:00"), _ts(conn, "2026-04-09 16:00:00"), _d(conn, "2026-04-09"),
                     False, _ts(conn, "2026-04-02 02:00:00"), "paused", None),
                    (2, "decision", "statutory", "Licensing decision", "working_days", 20,
                     _ts(conn, "2026-12-19 16:00:00"), _ts(conn, "2027-01-18 16:00:00"), _d(conn, "2027-01-18"),
                     True, None, "running", None),
                ]
                # The open pause belongs to case 1's clock; case 2's old acceptance pause to none.
                assert _rows(conn, "SELECT p.id, d.case_id FROM clock_pauses p LEFT JOIN case_deadlines d "
                                   "ON d.id = p.deadline_id ORDER BY p.id") == [(1, None), (2, 1)]

            # The deadlines table moves on; downgrade puts the nearest statutory one back.
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE case_deadlines SET status = 'met', paused_at = NULL, "
                                  "closed_at = :now WHERE case_id = 1"), {"now": NOW})
                conn.execute(text(
                    "INSERT INTO case_deadlines (case_id, name, kind, label, unit, length, started_at, due_at, "
                    "due_date, estimated, status, version) VALUES "
                    "(1, 'decision', 'statutory', '', 'working_days', 20, :s, :due, :day, false, 'running', 1), "
                    "(1, 'report', 'report', '', 'calendar_days', NULL, :s, :rdue, :rday, false, 'running', 1)"),
                    {"s": NOW, "due": dt.datetime(2026, 5, 11, 16), "day": dt.date(2026, 5, 11),
                     "rdue": dt.datetime(2026, 4, 20, 16), "rday": dt.date(2026, 4, 20)})
            downgrade(revision="0004")
            with db.engine.connect() as conn:
                assert "case_deadlines" not in _tables(conn)
                assert _rows(conn, "SELECT id, clock_name, clock_started_on, due_date, due_estimated, "
                                   "clock_paused_at FROM cases ORDER BY id") == [
                    (1, "decision", _d(conn, "2026-04-13"), _d(conn, "2026-05-11"), False, None),
                    (2, "decision", _d(conn, "2026-12-20"), _d(conn, "2027-01-18"), True, None),
                    (3, None, None, None, False, None),
                ]
                assert _rows(conn, "SELECT count(*) FROM clock_pauses") == [(2,)]
        finally:
            db.session.remove()
            db.engine.dispose()


def _ts(conn, value: str):
    return value + ".000000" if conn.dialect.name == "sqlite" else dt.datetime.fromisoformat(value)


def _d(conn, value: str):
    return value if conn.dialect.name == "sqlite" else dt.date.fromisoformat(value)


def _tables(conn) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(conn).get_table_names())


def test_sqlite_clocks_become_deadlines_and_back(tmp_path):
    _check(f"sqlite:///{tmp_path / 'deadlines.db'}", tmp_path)


@pytest.mark.postgres
def test_postgres_clocks_become_deadlines_and_back(app, tmp_path):
    with temporary_postgres_database() as url:
        _check(url, tmp_path)
