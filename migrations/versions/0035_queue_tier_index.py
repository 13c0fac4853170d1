"""The queue's tier filter read through an index: registrations by tier (with the case id the
filter returns), and sandbox tests by model (a test's tier is that of its model's registration).

Revision ID: 0035
Revises: 0032
"""
from __future__ import annotations

from alembic import op

revision = "0035"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_registrations_tier_case", "registrations", ["tier", "case_id"])
    op.create_index("ix_sandbox_tests_model_id", "sandbox_tests", ["model_id"])


def downgrade() -> None:
    op.drop_index("ix_sandbox_tests_model_id", table_name="sandbox_tests")
    op.drop_index("ix_registrations_tier_case", table_name="registrations")
