"""The migrations build exactly the models' schema, tear it all down again, and rebuild it with
the official calendar seed; on PostgreSQL with the audit table's append-only trigger.

Each run uses its own empty database (a temporary SQLite file; on PostgreSQL runs also a
temporary PostgreSQL database), never the session's test database.
"""
from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from supervision import create_app
from supervision.extensions import db
from supervision.geo.postgis import EXTENSION_TABLES, outside_the_models
from tests.conftest import _normalise, database_url

TRIGGERS = ["audit_events_no_truncate", "audit_events_no_update"]
# Where the server has PostGIS, migration 0034 adds the fences' geometry columns (geo.postgis).
COMPARE = {"compare_type": True, "include_object": outside_the_models}


def _calendar(conn) -> tuple[list, list]:
    years = [tuple(r) for r in conn.execute(text(
        "SELECT year, source, note FROM calendar_years ORDER BY year"))]
    days = [(str(r[0]), bool(r[1]), r[2]) for r in conn.execute(text(
        "SELECT day, is_workday, name FROM calendar_days ORDER BY day"))]
    return years, days


def _triggers(conn) -> list[str]:
    if conn.dialect.name != "postgresql":
        return []
    return sorted(conn.execute(text(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'audit_events'::regclass"
    )).scalars())


def _round_trip(url: str, tmp_path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None,
                     DOCUMENT_STORE=str(tmp_path / "documents"))
    with app.app_context():
        try:
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts=COMPARE)
                assert compare_metadata(context, db.metadata) == []
                app_tables = {t.name for t in db.metadata.sorted_tables}
                assert set(inspect(conn).get_table_names()) - EXTENSION_TABLES == app_tables | {"alembic_version"}
                years, days = _calendar(conn)
                if conn.dialect.name == "postgresql":
                    assert _triggers(conn) == TRIGGERS
            # The seed of revision 0002: official years from chinese-calendar, with holidays
            # and make-up working days (2026-02-14, a Saturday, is a make-up working day).
            assert (2026, "official", "chinese-calendar") in years
            assert ("2026-10-01", False, "National Day") in days
            assert ("2026-02-14", True, "Spring Festival") in days
            assert len(years) >= 20 and len(days) >= 700

            downgrade(revision="base")
            with db.engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) - EXTENSION_TABLES <= {"alembic_version"}
                assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
                if conn.dialect.name == "postgresql":
                    assert conn.execute(text(
                        "SELECT count(*) FROM pg_proc WHERE proname = 'audit_events_append_only'")).scalar() == 0

            upgrade()
            with db.engine.connect() as conn:
                assert compare_metadata(MigrationContext.configure(conn, opts=COMPARE), db.metadata) == []
                assert _calendar(conn) == (years, days)
                assert _triggers(conn) == ([] if conn.dialect.name != "postgresql" else TRIGGERS)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_upgrade_gives_the_models_schema_and_downgrade_removes_it(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'migrations.db'}", tmp_path)


@contextlib.contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on the test server, dropped afterwards."""
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    server = make_url(_normalise(database_url()))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_postgres_upgrade_gives_the_models_schema_and_downgrade_removes_it(app, tmp_path):
    with temporary_postgres_database() as url:
        _round_trip(url, tmp_path)


def test_the_seeded_ruleset_is_a_literal_equal_to_todays_default():
    """0003 carries ruleset v1 as a literal, importing nothing from the application (editing the
    default later must never rewrite history); today's default still equals it."""
    import importlib.util
    from pathlib import Path

    from supervision.registry.tiering import DEFAULT_RULES_V1

    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / "0003_ruleset_v1.py"
    assert "import supervision" not in path.read_text() and "from supervision" not in path.read_text()
    spec = importlib.util.spec_from_file_location("revision_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.RULES_V1 == DEFAULT_RULES_V1
