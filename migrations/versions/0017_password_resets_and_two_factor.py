"""Password resets by e-mail, two-factor sign-in (TOTP secret, last step, recovery codes), and
an index on who uploaded each document (upload quotas count per user), and the used one-time
form tokens (a replayed form changes nothing).

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64)))
        batch.add_column(sa.Column("totp_enabled_at", sa.DateTime))
        batch.add_column(sa.Column("totp_last_step", sa.Integer))
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_password_resets_user_id_users", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime),
        sa.Column("forced_by_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_password_resets_forced_by_id_users")),
        sa.UniqueConstraint("token_hash", name="uq_password_resets_token_hash"),
    )
    op.create_index("ix_password_resets_user_id", "password_resets", ["user_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_recovery_codes_user_id_users", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])
    op.create_index("ix_documents_uploaded_by_id", "documents", ["uploaded_by_id"])
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_form_submissions_user_id_users", ondelete="CASCADE")),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("result", sa.String(1000)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_form_submissions_created_at", "form_submissions", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_form_submissions_created_at", table_name="form_submissions")
    op.drop_table("form_submissions")
    op.drop_index("ix_documents_uploaded_by_id", table_name="documents")
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_index("ix_password_resets_user_id", table_name="password_resets")
    op.drop_table("password_resets")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled_at")
        batch.drop_column("totp_secret")
