"""Append-only audit table on PostgreSQL; official working-day calendar seed.

Revision ID: 0002
Revises: 0001
"""
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


def _seed_calendar() -> None:
    from supervision.workdays.services import official_seed

    years, days = official_seed()
    year_t = sa.table("calendar_years", sa.column("year", sa.Integer), sa.column("source", sa.String),
                      sa.column("note", sa.String), sa.column("loaded_at", sa.DateTime))
    day_t = sa.table("calendar_days", sa.column("day", sa.Date), sa.column("is_workday", sa.Boolean),
                     sa.column("name", sa.String))
    import datetime as dt

    now = dt.datetime(2026, 1, 1)
    op.bulk_insert(year_t, [{"year": y, "source": "official", "note": "chinese-calendar", "loaded_at": now}
                            for y in years])
    op.bulk_insert(day_t, days)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD_FUNCTION)
        op.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")
    _seed_calendar()


def downgrade():
    op.execute("DELETE FROM calendar_days")
    op.execute("DELETE FROM calendar_years")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
