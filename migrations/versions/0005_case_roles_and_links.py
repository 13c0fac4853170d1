"""Case engine v2: the people attached to a case in a role, and typed links between cases.

``case_roles`` holds every assignment (and, later, drawn experts and presiding officers) with
what put it there; the current assignees of existing cases are backfilled as active rows whose
source is ``migration``.  ``case_links`` relates two cases (opened, suspends, pauses …).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_roles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", name="fk_case_roles_case_id_cases"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_case_roles_user_id_users"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_ref", sa.String(64), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_case_roles_assigned_by_id_users"), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_case_roles_case_id", "case_roles", ["case_id"])
    op.create_index("ix_case_roles_user_active", "case_roles", ["user_id", "ended_at", "case_id"])
    op.create_index("uq_case_roles_active", "case_roles", ["case_id", "user_id", "role"], unique=True,
                    sqlite_where=sa.text("ended_at IS NULL"), postgresql_where=sa.text("ended_at IS NULL"))
    op.execute("INSERT INTO case_roles (case_id, user_id, role, source, started_at) "
               "SELECT id, assignee_id, 'assignee', 'migration', updated_at FROM cases "
               "WHERE assignee_id IS NOT NULL")
    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", name="fk_case_links_case_id_cases"), nullable=False),
        sa.Column("other_case_id", sa.Integer(), sa.ForeignKey("cases.id", name="fk_case_links_other_case_id_cases"), nullable=False),
        sa.Column("relation", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_case_links_created_by_id_users"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("case_id <> other_case_id", name="ck_case_links_not_self"),
    )
    op.create_index("ix_case_links_case_id", "case_links", ["case_id"])
    op.create_index("ix_case_links_other_case_id", "case_links", ["other_case_id"])
    op.create_index("uq_case_links", "case_links", ["case_id", "other_case_id", "relation"], unique=True)


def downgrade() -> None:
    op.drop_table("case_links")
    op.drop_table("case_roles")
