"""The firms' API: tokens (only their SHA-256) and remembered idempotent answers.

Downgrade drops both tables (the audit log keeps the tokens' creation and revocation).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("firm_id", sa.Integer, sa.ForeignKey("organisations.id", name="fk_api_tokens_firm_id_organisations"),
                  nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("users.id", name="fk_api_tokens_created_by_id_users")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
        sa.Column("revoked_by_id", sa.Integer, sa.ForeignKey("users.id", name="fk_api_tokens_revoked_by_id_users")),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_firm_id", "api_tokens", ["firm_id"])
    op.create_table(
        "api_idempotent_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_id", sa.Integer,
                  sa.ForeignKey("api_tokens.id", name="fk_api_idempotent_answers_token_id_api_tokens"),
                  nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("token_id", "key", name="uq_api_idempotent_answers_token_key"),
    )
    op.create_index("ix_api_idempotent_answers_created_at", "api_idempotent_answers", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_api_idempotent_answers_created_at", table_name="api_idempotent_answers")
    op.drop_table("api_idempotent_answers")
    op.drop_index("ix_api_tokens_firm_id", table_name="api_tokens")
    op.drop_table("api_tokens")
