"""Art. 47 market-access measure assessments: measures, text revisions, structured assessments,
consultations and their comments, and the bindings of stricter rulesets to a passed assessment
and an adopted instrument.

Downgrade drops the six tables (the cases and their audit events stay, as history).

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "assessment_measures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, _fk("assessment_measures", "case_id", "cases"), nullable=False),
        sa.Column("problem", sa.Text, nullable=False),
        sa.Column("scenario_classes", sa.JSON, nullable=False),
        sa.Column("tiers", sa.JSON, nullable=False),
        sa.Column("form_factors", sa.JSON, nullable=False),
        sa.Column("ruleset_changes", sa.JSON, nullable=False),
        sa.Column("public_summary", sa.Text, nullable=False),
        sa.Column("proposed_conclusion", sa.String(16)),
        sa.Column("conclusion", sa.String(16)),
        sa.Column("concluded_on", sa.Date),
        sa.Column("review_date", sa.Date),
        sa.UniqueConstraint("case_id", name="uq_assessment_measures_case_id"),
        sa.CheckConstraint("conclusion IS NULL OR conclusion IN ('passed', 'not_passed')",
                           name=op.f("ck_assessment_measures_conclusion")),
    )
    op.create_table(
        "assessment_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, _fk("assessment_revisions", "case_id", "cases"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_by_id", sa.Integer, _fk("assessment_revisions", "created_by_id", "users")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("case_id", "number", name="uq_assessment_revisions_case_number"),
    )
    op.create_index("ix_assessment_revisions_case_id", "assessment_revisions", ["case_id"])
    op.create_table(
        "assessment_findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, _fk("assessment_findings", "case_id", "cases"), nullable=False),
        sa.Column("revision_id", sa.Integer, _fk("assessment_findings", "revision_id", "assessment_revisions"),
                  nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("attachment_ids", sa.JSON, nullable=False),
        sa.Column("author_id", sa.Integer, _fk("assessment_findings", "author_id", "users"), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("revision_id", "kind", name="uq_assessment_findings_revision_kind"),
        sa.CheckConstraint("kind IN ('necessity', 'safety', 'effectiveness', 'fair_competition')",
                           name=op.f("ck_assessment_findings_kind")),
    )
    op.create_index("ix_assessment_findings_case_id", "assessment_findings", ["case_id"])
    op.create_table(
        "assessment_consultations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, _fk("assessment_consultations", "case_id", "cases"), nullable=False),
        sa.Column("revision_id", sa.Integer,
                  _fk("assessment_consultations", "revision_id", "assessment_revisions"), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("outcome", sa.Text),
        sa.Column("answers", sa.JSON, nullable=False),
    )
    op.create_index("ix_assessment_consultations_case_id", "assessment_consultations", ["case_id"])
    op.create_table(
        "assessment_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("consultation_id", sa.Integer,
                  _fk("assessment_comments", "consultation_id", "assessment_consultations"), nullable=False),
        sa.Column("reference", sa.String(48), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("theme", sa.String(24), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reject_category", sa.String(24)),
        sa.Column("moderated_by_id", sa.Integer, _fk("assessment_comments", "moderated_by_id", "users")),
        sa.Column("moderated_at", sa.DateTime),
        sa.Column("client_address", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("reference", name="uq_assessment_comments_reference"),
        sa.CheckConstraint("status IN ('pending', 'published', 'rejected')", name=op.f("ck_assessment_comments_status")),
        sa.CheckConstraint("theme IN ('necessity', 'safety', 'effectiveness', 'cost', 'competition', 'other')",
                           name=op.f("ck_assessment_comments_theme")),
        sa.CheckConstraint("(status = 'rejected') = (reject_category IS NOT NULL)",
                           name=op.f("ck_assessment_comments_rejected_with_category")),
        sa.CheckConstraint("(status = 'pending') = (moderated_at IS NULL)",
                           name=op.f("ck_assessment_comments_moderated_when_moderated")),
    )
    op.create_index("ix_assessment_comments_consultation_id", "assessment_comments", ["consultation_id"])
    op.create_index("ix_assessment_comments_client_address", "assessment_comments", ["client_address"])
    op.create_index("ix_assessment_comments_created_at", "assessment_comments", ["created_at"])
    op.create_table(
        "ruleset_bindings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ruleset_id", sa.Integer, _fk("ruleset_bindings", "ruleset_id", "rulesets"), nullable=False),
        sa.Column("change", sa.String(64), nullable=False),
        sa.Column("case_id", sa.Integer, _fk("ruleset_bindings", "case_id", "cases"), nullable=False),
        sa.Column("instrument", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("ruleset_id", "change", name="uq_ruleset_bindings_ruleset_change"),
    )
    op.create_index("ix_ruleset_bindings_ruleset_id", "ruleset_bindings", ["ruleset_id"])
    op.create_index("ix_ruleset_bindings_case_id", "ruleset_bindings", ["case_id"])


def downgrade() -> None:
    for index, table in (("ix_ruleset_bindings_case_id", "ruleset_bindings"),
                         ("ix_ruleset_bindings_ruleset_id", "ruleset_bindings")):
        op.drop_index(index, table_name=table)
    op.drop_table("ruleset_bindings")
    for index in ("ix_assessment_comments_created_at", "ix_assessment_comments_client_address",
                  "ix_assessment_comments_consultation_id"):
        op.drop_index(index, table_name="assessment_comments")
    op.drop_table("assessment_comments")
    op.drop_index("ix_assessment_consultations_case_id", table_name="assessment_consultations")
    op.drop_table("assessment_consultations")
    op.drop_index("ix_assessment_findings_case_id", table_name="assessment_findings")
    op.drop_table("assessment_findings")
    op.drop_index("ix_assessment_revisions_case_id", table_name="assessment_revisions")
    op.drop_table("assessment_revisions")
    op.drop_table("assessment_measures")
