"""Revision 0032 adds the ``set_aside`` status of a decision.  On SQLite that means copying the
``decisions`` table: the decisions that point at each other (one ended by a later one) and the
service records that point at decisions keep pointing at them, and downgrade turns a decision set
aside back into ``superseded``.  Each run uses its own empty database."""
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


def _decisions(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(
        "SELECT id, status, status_changed_by_decision_id FROM decisions ORDER BY id"))]


def _services(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text("SELECT id, decision_id FROM service_records ORDER BY id"))]


def _seed(conn) -> None:
    conn.execute(text("INSERT INTO organisations (id, kind, name_zh, name_en, created_at) "
                      "VALUES (1, 'department', '局', 'Bureau', :now)"), {"now": NOW})
    conn.execute(text(
        "INSERT INTO cases (id, case_type, workflow_version, state, version, title, department_id, "
        "created_at, updated_at, due_estimated) VALUES (1, 'registration', 1, 'revoked', 1, 't', 1, :now, :now, false)"),
        {"now": NOW})
    conn.execute(text(
        "INSERT INTO documents (id, sha256, filename, content_type, size, classification, kind, created_at) "
        "VALUES (1, :h, 'a.pdf', 'application/pdf', 1, 'internal', 'decision', :now), "
        "(2, :h, 'b.pdf', 'application/pdf', 1, 'internal', 'decision', :now)"), {"h": "0" * 64, "now": NOW})
    for id_, kind, status, ended_by in ((2, "revocation", "issued", None), (1, "grant", "revoked", 2)):
        conn.execute(text(
            "INSERT INTO decisions (id, case_id, kind, number, serial, year, department_id, language, snapshot, "
            "snapshot_sha256, document_id, pdf_sha256, token, status, status_changed_by_decision_id, issued_at) "
            "VALUES (:id, 1, :kind, :number, :id, 2026, 1, 'zh', '{}', :h, :id, :h, :token, :status, :ended_by, :now)"),
            {"id": id_, "kind": kind, "number": f"杭机监〔2026〕{id_}号", "h": "0" * 64, "token": f"t{id_}",
             "status": status, "ended_by": ended_by, "now": NOW})
    conn.execute(text("INSERT INTO service_records (id, decision_id, updated_at) VALUES (1, 1, :now), (2, 2, :now)"),
                 {"now": NOW})


def _check(url: str, tmp_path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None,
                     DOCUMENT_STORE=str(tmp_path / "documents"))
    with app.app_context():
        try:
            upgrade(revision="0031")
            with db.engine.begin() as conn:
                _seed(conn)
            upgrade(revision="0032")
            with db.engine.connect() as conn:
                assert _decisions(conn) == [(1, "revoked", 2), (2, "issued", None)]
                assert _services(conn) == [(1, 1), (2, 2)]
            with db.engine.begin() as conn:   # the new status is allowed, an unknown one is not
                conn.execute(text("UPDATE decisions SET status = 'set_aside' WHERE id = 2"))
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text("UPDATE decisions SET status = 'withdrawn' WHERE id = 2"))

            downgrade(revision="0031")
            with db.engine.connect() as conn:
                assert _decisions(conn) == [(1, "revoked", 2), (2, "superseded", None)]
                assert _services(conn) == [(1, 1), (2, 2)]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_decisions_keep_their_references_through_set_aside_and_back(tmp_path):
    _check(f"sqlite:///{tmp_path / 'outcomes.db'}", tmp_path)


@pytest.mark.postgres
def test_postgres_decisions_keep_their_references_through_set_aside_and_back(app, tmp_path):
    with temporary_postgres_database() as url:
        _check(url, tmp_path)
