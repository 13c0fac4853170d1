"""The tier in force on each registration (backfilled from its newest classification), and the
index that serves a department's case list in its default order.

The public register filters and shows the tier of thousands of registrations; reading it from
``registrations.tier`` replaces a max(id)-per-registration subquery over every classification.
``ix_cases_department_due`` (department, due date, id) serves the case list's ranges (overdue,
paused, due, no due date) and every lookup by department, so it replaces
``ix_cases_department_id``.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIER_CHECK = "tier IS NULL OR tier BETWEEN 1 AND 4"
BACKFILL = """
UPDATE registrations SET tier = (
    SELECT c.tier FROM classifications c WHERE c.registration_id = registrations.id
    ORDER BY c.id DESC LIMIT 1)
"""


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        # SQLite adds a column with its CHECK in place; a batch rebuild of the table would have
        # to drop a table that classifications reference.
        op.execute(f"ALTER TABLE registrations ADD COLUMN tier INTEGER "
                   f"CONSTRAINT ck_registrations_tier CHECK ({TIER_CHECK})")
    else:
        op.add_column("registrations", sa.Column("tier", sa.Integer(), nullable=True))
        op.create_check_constraint(op.f("ck_registrations_tier"), "registrations", TIER_CHECK)
    op.execute(BACKFILL)

    op.create_index("ix_cases_department_due", "cases", ["department_id", "due_date", "id"], unique=False)
    op.drop_index(op.f("ix_cases_department_id"), table_name="cases")


def downgrade() -> None:
    op.create_index(op.f("ix_cases_department_id"), "cases", ["department_id"], unique=False)
    op.drop_index("ix_cases_department_due", table_name="cases")

    if _sqlite():
        op.execute("ALTER TABLE registrations DROP COLUMN tier")
    else:
        op.drop_column("registrations", "tier")  # its check constraint goes with it
