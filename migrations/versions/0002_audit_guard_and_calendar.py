"""Append-only audit table on PostgreSQL; official working-day calendar seed.

The seed is computed here from the ``chinese-calendar`` package (official holidays and make-up
working days), not from application code, so this revision stays what it was when released.

Revision ID: 0002
Revises: 0001
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
SEED_NOTE = "chinese-calendar"

year_t = sa.table("calendar_years", sa.column("year", sa.Integer), sa.column("source", sa.String),
                  sa.column("note", sa.String), sa.column("loaded_at", sa.DateTime))
day_t = sa.table("calendar_days", sa.column("day", sa.Date), sa.column("is_workday", sa.Boolean),
                 sa.column("name", sa.String))


def _official_days() -> list[dict]:
    """Holidays, and make-up working days that fall on a weekend, known to chinese-calendar."""
    from chinese_calendar import constants

    rows: dict[dt.date, dict] = {}
    for day, name in constants.holidays.items():
        rows[day] = {"day": day, "is_workday": False, "name": getattr(name, "value", str(name))[:64]}
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:
            rows[day] = {"day": day, "is_workday": True, "name": getattr(name, "value", str(name))[:64]}
    return sorted(rows.values(), key=lambda r: r["day"])


def _seed_calendar() -> None:
    days = _official_days()
    years = sorted({r["day"].year for r in days})
    loaded_at = dt.datetime(2026, 1, 1)
    op.bulk_insert(year_t, [{"year": y, "source": "official", "note": SEED_NOTE, "loaded_at": loaded_at}
                            for y in years])
    op.bulk_insert(day_t, days)


def _unseed_calendar() -> None:
    """Remove the seeded years only; a year an administrator set since stays."""
    conn = op.get_bind()
    years = conn.execute(sa.select(year_t.c.year).where(
        year_t.c.source == "official", year_t.c.note == SEED_NOTE)).scalars().all()
    for y in years:
        conn.execute(day_t.delete().where(day_t.c.day.between(dt.date(y, 1, 1), dt.date(y, 12, 31))))
    conn.execute(year_t.delete().where(year_t.c.source == "official", year_t.c.note == SEED_NOTE))


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD_FUNCTION)
        op.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")
    _seed_calendar()


def downgrade():
    _unseed_calendar()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
