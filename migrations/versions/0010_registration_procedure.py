"""The registration procedure (issue 10): objections get a reference number, an officer who
recorded them (a letter) and the officer's reasoned answer; service (送达) of decisions and
firms' consents to electronic service.

Downgrade drops the added columns and tables.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("objections") as batch:
        batch.add_column(sa.Column("reference", sa.String(32), nullable=True))
        batch.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint(batch.f("uq_objections_reference"), ["reference"])
        batch.create_foreign_key(batch.f("fk_objections_recorded_by_id_users"), "users", ["recorded_by_id"], ["id"])
        batch.create_foreign_key(batch.f("fk_objections_answered_by_id_users"), "users", ["answered_by_id"], ["id"])
        batch.create_check_constraint(
            "answered_has_time_and_officer",
            "answer IS NULL OR (answered_at IS NOT NULL AND answered_by_id IS NOT NULL)")


    op.create_table(
        "service_consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("firm_id", sa.Integer, sa.ForeignKey("organisations.id", name="fk_service_consents_firm_id_organisations"),
                  nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", name="fk_service_consents_document_id_documents"),
                  nullable=False),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("recorded_by_id", sa.Integer, sa.ForeignKey("users.id", name="fk_service_consents_recorded_by_id_users")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("withdrawn_at", sa.DateTime),
    )
    op.create_index("ix_service_consents_firm_id", "service_consents", ["firm_id"])
    op.create_table(
        "service_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id", name="fk_service_records_decision_id_decisions"),
                  nullable=False),
        sa.Column("method", sa.String(16)),
        sa.Column("served_at", sa.DateTime),
        sa.Column("receipt_document_id", sa.Integer,
                  sa.ForeignKey("documents.id", name="fk_service_records_receipt_document_id_documents")),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by_id", sa.Integer, sa.ForeignKey("users.id", name="fk_service_records_recorded_by_id_users")),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("decision_id", name="uq_service_records_decision_id"),
        sa.CheckConstraint("method IS NULL OR method IN ('electronic', 'postal', 'announcement')",
                           name="ck_service_records_method"),
        sa.CheckConstraint("served_at IS NULL OR method IS NOT NULL", name="ck_service_records_served_has_method"),
        sa.CheckConstraint("method <> 'postal' OR receipt_document_id IS NOT NULL",
                           name="ck_service_records_postal_has_receipt"),
    )


def downgrade() -> None:
    op.drop_table("service_records")
    op.drop_index("ix_service_consents_firm_id", table_name="service_consents")
    op.drop_table("service_consents")
    with op.batch_alter_table("objections") as batch:
        batch.drop_constraint(batch.f("ck_objections_answered_has_time_and_officer"), type_="check")
        batch.drop_constraint(batch.f("fk_objections_answered_by_id_users"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_objections_recorded_by_id_users"), type_="foreignkey")
        batch.drop_constraint(batch.f("uq_objections_reference"), type_="unique")
        for column in ("answered_by_id", "answered_at", "answer", "recorded_by_id", "reference"):
            batch.drop_column(column)
