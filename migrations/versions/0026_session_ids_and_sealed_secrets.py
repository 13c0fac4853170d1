"""Per-session sign-out (the ids of the sessions a user signed out of, on the user row) and
room for the sealed two-factor secret.

Revision ID: 0026
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("ended_sessions", sa.Text))
        batch.alter_column("totp_secret", type_=sa.String(255), existing_type=sa.String(64))


def downgrade() -> None:
    # A sealed secret does not fit the old column: two-factor enrolments are dropped (the users
    # enrol again), rather than truncated into secrets that cannot be read.
    op.execute("DELETE FROM recovery_codes WHERE user_id IN "
               "(SELECT id FROM users WHERE totp_secret LIKE 'f1:%')")
    op.execute("UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL "
               "WHERE totp_secret LIKE 'f1:%'")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", type_=sa.String(64), existing_type=sa.String(255))
        batch.drop_column("ended_sessions")
