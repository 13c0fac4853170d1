"""Compensation claims after a rescinded registration (行政许可法 Art. 69 ¶4): the
``compensation_claims`` table beside each claim's case.

Revision ID: 0043
Revises: 0042
"""
import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compensation_claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_compensation_claims_case_id_cases"),
                  nullable=False),
        sa.Column("registration_case_id", sa.Integer,
                  sa.ForeignKey("cases.id", name="fk_compensation_claims_registration_case_id_cases"), nullable=False),
        sa.Column("rescission_id", sa.Integer,
                  sa.ForeignKey("decisions.id", name="fk_compensation_claims_rescission_id_decisions"), nullable=False),
        sa.Column("amount_claimed", sa.Numeric(14, 2), nullable=False),
        sa.Column("loss", sa.Text, nullable=False),
        sa.Column("amount_proposed", sa.Numeric(14, 2)),
        sa.Column("amount_awarded", sa.Numeric(14, 2)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("case_id", name="uq_compensation_claims_case_id"),
        sa.CheckConstraint("amount_claimed > 0", name="ck_compensation_claims_claimed_positive"),
        sa.CheckConstraint("amount_awarded IS NULL OR amount_awarded <= amount_claimed",
                           name="ck_compensation_claims_awarded_within_claim"),
    )
    op.create_index("ix_compensation_claims_registration_case_id", "compensation_claims", ["registration_case_id"])


def downgrade() -> None:
    op.drop_index("ix_compensation_claims_registration_case_id", table_name="compensation_claims")
    op.drop_table("compensation_claims")
