"""Reminders before a due item falls due: when the reminder went out, on the deadline row, so
it goes out exactly once.

Revision ID: 0031
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_deadlines") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime))


def downgrade() -> None:
    # In place on SQLite too (3.35+): a batch copy would drop the table that later tables'
    # foreign keys point at.
    op.execute("ALTER TABLE case_deadlines DROP COLUMN reminded_at")
