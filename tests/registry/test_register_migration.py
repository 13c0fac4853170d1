"""Revision 0004 gives every existing registration the tier of its newest classification (an
override included), leaves one never classified without a tier, and goes back down cleanly.

Each run uses its own empty database (a temporary SQLite file; on PostgreSQL runs also a
temporary PostgreSQL database), never the session's test database."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from supervision import create_app
from supervision.extensions import db
from tests.test_migrations import temporary_postgres_database

NOW = dt.datetime(2026, 5, 1, 8, 0)


def _rows(conn) -> None:
    """Three registrations as revision 0003 stored them: classified twice (the newer one
    overridden to 4), classified once, never classified."""
    def insert(table: str, **values) -> int:
        t = sa.table(table, *(sa.column(k) for k in values), sa.column("id"))
        return conn.execute(sa.insert(t).values(**values).returning(t.c.id)).scalar_one()

    dept = insert("organisations", kind="department", name_zh="局", name_en="Bureau", created_at=NOW)
    firm = insert("organisations", kind="firm", name_zh="甲", name_en="A", credit_code="91330100MA0000001X",
                  created_at=NOW)
    ruleset = conn.execute(text("SELECT id FROM rulesets")).scalar_one()
    for i, tiers in enumerate(([2, 4], [3], [])):
        case = insert("cases", case_type="registration", workflow_version=1, state="registered", version=1,
                      title=f"M{i}", firm_id=firm, department_id=dept, created_at=NOW, updated_at=NOW,
                      due_estimated=False)
        model = insert("robot_models", firm_id=firm, name=f"M{i}", created_at=NOW)
        version = insert("model_versions", model_id=model, number=1, scenarios_json="[]", public_space=False,
                         vulnerable_contact=False, personal_data=False, ota_learning=False, created_at=NOW)
        reg = insert("registrations", case_id=case, model_id=model, version_id=version)
        for tier in tiers:
            insert("classifications", registration_id=reg, version_id=version, ruleset_id=ruleset,
                   inputs_json="{}", score=tier, computed_tier=min(tier, 3), tier=tier,
                   override_reason="near a school" if tier == 4 else None, rationale_zh="-", rationale_en="-",
                   created_at=NOW)


def _backfill(url: str, tmp_path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None,
                     DOCUMENT_STORE=str(tmp_path / "documents"))
    with app.app_context():
        try:
            upgrade(revision="0003")
            with db.engine.begin() as conn:
                _rows(conn)
            upgrade(revision="0004")
            with db.engine.connect() as conn:
                tiers = conn.execute(text("SELECT tier FROM registrations ORDER BY id")).scalars().all()
                assert tiers == [4, 3, None]
                indexes = {ix["name"] for ix in inspect(conn).get_indexes("cases")}
                assert "ix_cases_department_due" in indexes and "ix_cases_department_id" not in indexes
            with db.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
                conn.execute(text("UPDATE registrations SET tier = 5"))
            downgrade(revision="0003")
            with db.engine.connect() as conn:
                assert "tier" not in {c["name"] for c in inspect(conn).get_columns("registrations")}
                indexes = {ix["name"] for ix in inspect(conn).get_indexes("cases")}
                assert "ix_cases_department_id" in indexes and "ix_cases_department_due" not in indexes
                assert conn.execute(text("SELECT count(*) FROM classifications")).scalar() == 3
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_backfill_of_the_tier_in_force(tmp_path):
    _backfill(f"sqlite:///{tmp_path / 'backfill.db'}", tmp_path)


@pytest.mark.postgres
def test_postgres_backfill_of_the_tier_in_force(app, tmp_path):
    with temporary_postgres_database() as url:
        _backfill(url, tmp_path)
