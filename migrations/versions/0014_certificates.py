"""Certificates of certification bodies: certificates, their state changes and the cases that
relied on one; the ``certifier`` role; the registration's declared certificate (number, body,
evidence document) goes — a certificate is now what a certification body recorded.

The declared numbers stay in the audit trail (``registry.certificate_declare`` events).
Downgrade drops the three tables and brings back the empty declaration columns (a user
holding the certifier role must lose it first).

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

STATES = "'applied', 'issued', 'suspended', 'reinstated', 'withdrawn', 'expired', 'refused'"
ROLES_BEFORE = "role IN ('applicant', 'officer', 'approver', 'expert', 'auditor', 'admin')"
TIER_CHECK = "tier IS NULL OR tier BETWEEN 1 AND 4"
ROLES_AFTER = "role IN ('applicant', 'officer', 'approver', 'expert', 'certifier', 'auditor', 'admin')"


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("organisations.id", name="fk_certificates_body_id_organisations"),
                  nullable=False),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("robot_models.id", name="fk_certificates_model_id_robot_models"),
                  nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("standards", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_since", sa.Date, nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("users.id", name="fk_certificates_created_by_id_users")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("body_id", "number", name="uq_certificates_body_number"),
        sa.CheckConstraint(f"state IN ({STATES})", name="ck_certificates_state"),
        sa.CheckConstraint("valid_until >= valid_from", name="ck_certificates_validity"),
    )
    op.create_index("ix_certificates_body_id", "certificates", ["body_id"])
    op.create_index("ix_certificates_model_id", "certificates", ["model_id"])
    op.create_index("ix_certificates_valid_until", "certificates", ["valid_until"])
    op.create_index("ix_certificates_state", "certificates", ["state"])
    op.create_table(
        "certificate_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("certificate_id", sa.Integer,
                  sa.ForeignKey("certificates.id", name="fk_certificate_changes_certificate_id_certificates"),
                  nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id", name="fk_certificate_changes_actor_id_users")),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_certificate_changes_certificate_id", "certificate_changes", ["certificate_id"])
    op.create_table(
        "certificate_reliances",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("certificate_id", sa.Integer,
                  sa.ForeignKey("certificates.id", name="fk_certificate_reliances_certificate_id_certificates"),
                  nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_certificate_reliances_case_id_cases"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_certificate_reliances_certificate_id", "certificate_reliances", ["certificate_id"])
    op.create_index("ix_certificate_reliances_case_id", "certificate_reliances", ["case_id"])
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(op.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint(op.f("ck_user_roles_role"), ROLES_AFTER)
    with op.batch_alter_table("registrations") as batch:
        batch.drop_constraint(op.f("fk_registrations_certificate_document_id_documents"), type_="foreignkey")
        batch.drop_column("certificate_document_id")
        batch.drop_column("certificate_body")
        batch.drop_column("certificate_number")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("certificate_number", sa.String(64), nullable=True))
        batch.add_column(sa.Column("certificate_body", sa.String(200), nullable=True))
        batch.add_column(sa.Column("certificate_document_id", sa.Integer, nullable=True))
        batch.create_foreign_key(op.f("fk_registrations_certificate_document_id_documents"), "documents",
                                 ["certificate_document_id"], ["id"])
    if _sqlite():
        # SQLite's table copies turned the tier's column check (revision 0004) into a table check,
        # which 0004's downgrade could not drop with its column: put it back on the column.
        with op.batch_alter_table("registrations") as batch:
            batch.drop_constraint(op.f("ck_registrations_tier"), type_="check")
        op.execute("ALTER TABLE registrations RENAME COLUMN tier TO tier_before")
        op.execute(f"ALTER TABLE registrations ADD COLUMN tier INTEGER CONSTRAINT ck_registrations_tier "
                   f"CHECK ({TIER_CHECK})")
        op.execute("UPDATE registrations SET tier = tier_before")
        op.execute("ALTER TABLE registrations DROP COLUMN tier_before")
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(op.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint(op.f("ck_user_roles_role"), ROLES_BEFORE)
    op.drop_table("certificate_reliances")
    op.drop_table("certificate_changes")
    op.drop_table("certificates")
