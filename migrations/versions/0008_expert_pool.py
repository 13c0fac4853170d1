"""The expert pool (Art. 8): experts, conflict declarations, recorded draws, opinions.

Downgrade drops the four tables (the case roles the draws created stay, as case history).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_experts_user_id_users"),
                  nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("organisation_id", sa.Integer,
                  sa.ForeignKey("organisations.id", name="fk_experts_organisation_id_organisations")),
        sa.Column("affiliation", sa.String(200), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("user_id", name="uq_experts_user_id"),
    )
    op.create_table(
        "expert_conflicts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id", name="fk_expert_conflicts_expert_id_experts"),
                  nullable=False),
        sa.Column("organisation_id", sa.Integer,
                  sa.ForeignKey("organisations.id", name="fk_expert_conflicts_organisation_id_organisations"),
                  nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_expert_conflicts_period"),
    )
    op.create_index("ix_expert_conflicts_expert_id", "expert_conflicts", ["expert_id"])
    op.create_table(
        "expert_draws",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_expert_draws_case_id_cases"), nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("eligible_ids", sa.Text, nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(8), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("result_ids", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id", name="fk_expert_draws_actor_id_users")),
        sa.Column("reason", sa.Text),
        sa.Column("previous_id", sa.Integer,
                  sa.ForeignKey("expert_draws.id", name="fk_expert_draws_previous_id_expert_draws")),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_expert_draws_case_id", "expert_draws", ["case_id"])
    op.create_table(
        "expert_opinions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_expert_opinions_case_id_cases"),
                  nullable=False),
        sa.Column("expert_user_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_expert_opinions_expert_user_id_users"), nullable=False),
        sa.Column("recommendation", sa.String(32), nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("no_conflict", sa.Boolean, nullable=False),
        sa.Column("corrects_id", sa.Integer,
                  sa.ForeignKey("expert_opinions.id", name="fk_expert_opinions_corrects_id_expert_opinions")),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("no_conflict", name="ck_expert_opinions_declared_no_conflict"),
    )
    op.create_index("ix_expert_opinions_case_id", "expert_opinions", ["case_id"])
    op.create_index("ix_expert_opinions_expert_user_id", "expert_opinions", ["expert_user_id"])


def downgrade() -> None:
    for index, table in (("ix_expert_opinions_expert_user_id", "expert_opinions"),
                         ("ix_expert_opinions_case_id", "expert_opinions"),
                         ("ix_expert_draws_case_id", "expert_draws"),
                         ("ix_expert_conflicts_expert_id", "expert_conflicts")):
        op.drop_index(index, table_name=table)
    for table in ("expert_opinions", "expert_draws", "expert_conflicts", "experts"):
        op.drop_table(table)
