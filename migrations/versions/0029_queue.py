"""The regulators' queue: saved views per user, and the indexes its tabs and sorts read
(mine / workload, unassigned, awaiting approval, last activity, age).

Revision ID: 0029
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cases_assignee_due", ["assignee_id", "due_date", "id"]),
    ("ix_cases_department_assignee_due", ["department_id", "assignee_id", "due_date", "id"]),
    ("ix_cases_department_proposed", ["department_id", "proposed_by_id"]),
    ("ix_cases_department_updated", ["department_id", "updated_at", "id"]),
    ("ix_cases_department_created", ["department_id", "created_at", "id"]),
)


def upgrade() -> None:
    op.create_table(
        "queue_views",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("query", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_queue_views_user_name"),
    )
    op.create_index("ix_queue_views_user_id", "queue_views", ["user_id"])
    for name, columns in INDEXES:
        op.create_index(name, "cases", columns)


def downgrade() -> None:
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="cases")
    op.drop_index("ix_queue_views_user_id", table_name="queue_views")
    op.drop_table("queue_views")
