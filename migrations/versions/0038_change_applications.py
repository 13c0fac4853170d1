"""Change and renewal of a registration (issue 10, defect 12): the ``change_applications`` table
and the end of a renewed term on ``registrations``.

Revision ID: 0038
Revises: 0037
"""
import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_change_applications_case_id_cases"),
                  nullable=False),
        sa.Column("registration_id", sa.Integer,
                  sa.ForeignKey("registrations.id", name="fk_change_applications_registration_id_registrations"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120)),
        sa.Column("version_id", sa.Integer,
                  sa.ForeignKey("model_versions.id", name="fk_change_applications_version_id_model_versions")),
        sa.Column("previous_name", sa.String(120), nullable=False),
        sa.Column("previous_version_id", sa.Integer,
                  sa.ForeignKey("model_versions.id", name="fk_change_applications_previous_version_id_model_versions"),
                  nullable=False),
        sa.Column("previous_expires_on", sa.Date),
        sa.Column("new_expires_on", sa.Date),
        sa.Column("applied_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("kind IN ('change', 'renewal')", name="ck_change_applications_kind"),
        sa.CheckConstraint("(kind = 'change') = (version_id IS NOT NULL AND name IS NOT NULL)",
                           name="ck_change_applications_change_has_particulars"),
        sa.CheckConstraint("applied_at IS NULL OR kind = 'change' OR new_expires_on IS NOT NULL",
                           name="ck_change_applications_renewal_has_term"),
        sa.UniqueConstraint("case_id", name="uq_change_applications_case_id"),
    )
    op.create_index("ix_change_applications_registration_id", "change_applications", ["registration_id"])
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("renewed_until", sa.Date))


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("renewed_until")
    op.drop_index("ix_change_applications_registration_id", table_name="change_applications")
    op.drop_table("change_applications")
