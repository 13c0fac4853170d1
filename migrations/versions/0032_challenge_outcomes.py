"""Outcomes of reconsideration and litigation against a decision (issue 10, defect 11): the
``challenge_outcomes`` table, and the ``set_aside`` status of a decision.

Revision ID: 0032
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

OLD = "status IN ('issued', 'revoked', 'rescinded', 'superseded')"
NEW = "status IN ('issued', 'revoked', 'rescinded', 'superseded', 'set_aside')"


def _status_check(condition: str) -> None:
    # SQLite rebuilds ``decisions`` to change a CHECK: other tables' rows refer to it, so the
    # foreign keys are checked at commit (when the rebuilt table holds the same rows), not at
    # the DROP of the old copy.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint(op.f("ck_decisions_status"), type_="check")
        batch.create_check_constraint(op.f("ck_decisions_status"), condition)


def upgrade() -> None:
    op.create_table(
        "challenge_outcomes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id", name="fk_challenge_outcomes_decision_id_decisions"),
                  nullable=False),
        sa.Column("route", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("body", sa.String(200), nullable=False),
        sa.Column("body_document_number", sa.String(100), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", name="fk_challenge_outcomes_document_id_documents"),
                  nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by_id", sa.Integer, sa.ForeignKey("users.id", name="fk_challenge_outcomes_recorded_by_id_users")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("route IN ('reconsideration', 'litigation')", name="ck_challenge_outcomes_route"),
        sa.CheckConstraint("outcome IN ('upheld', 'varied', 'set_aside', 'confirmed_unlawful')",
                           name="ck_challenge_outcomes_outcome"),
    )
    op.create_index("ix_challenge_outcomes_decision_id", "challenge_outcomes", ["decision_id"])
    _status_check(NEW)


def downgrade() -> None:
    # A decision set aside was, before this revision, ended by a later act: it reads "superseded".
    op.execute("UPDATE decisions SET status = 'superseded' WHERE status = 'set_aside'")
    _status_check(OLD)
    op.drop_index("ix_challenge_outcomes_decision_id", table_name="challenge_outcomes")
    op.drop_table("challenge_outcomes")
