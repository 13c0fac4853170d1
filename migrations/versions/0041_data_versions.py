"""The data version (issue 15, "Speed"): one row counting the commits that changed data, so a
rendered queue page is cached under it (``supervision.core.dataversion``).

Revision ID: 0041
Revises: 0040
"""
import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("epoch", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("data_versions")
