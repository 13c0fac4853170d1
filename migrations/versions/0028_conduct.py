"""Prohibited conduct (Art. 43): what a conduct case records beside its case row — the
conduct's category and description, the findings, the remediation ordered, the referral and the
model a recall order is about; a recall names the case whose order made it (none: voluntary).

Downgrade drops the table (the cases and their audit events stay, as history).

Revision ID: 0028
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

CATEGORIES = ("national_security", "persons_property", "privacy", "competition", "other_law")
AUTHORITIES = ("market_regulation", "cyberspace", "public_security", "national_security", "emergency_management")


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.create_table(
        "conduct_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_conduct_cases_case_id_cases"),
                  nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("findings", sa.Text),
        sa.Column("measures", sa.JSON, nullable=False),
        sa.Column("deadline", sa.Date),
        sa.Column("authority", sa.String(32)),
        sa.Column("recall_model_id", sa.Integer,
                  sa.ForeignKey("robot_models.id", name="fk_conduct_cases_recall_model_id_robot_models")),
        sa.UniqueConstraint("case_id", name="uq_conduct_cases_case_id"),
        sa.CheckConstraint(f"category IN ({_in(CATEGORIES)})", name=op.f("ck_conduct_cases_category")),
        sa.CheckConstraint(f"authority IS NULL OR authority IN ({_in(AUTHORITIES)})",
                           name=op.f("ck_conduct_cases_authority")),
    )


    with op.batch_alter_table("unit_recalls") as batch:
        batch.add_column(sa.Column("order_case_id", sa.Integer))
        batch.create_foreign_key("fk_unit_recalls_order_case_id_cases", "cases", ["order_case_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("unit_recalls") as batch:
        batch.drop_constraint("fk_unit_recalls_order_case_id_cases", type_="foreignkey")
        batch.drop_column("order_case_id")
    op.drop_table("conduct_cases")
