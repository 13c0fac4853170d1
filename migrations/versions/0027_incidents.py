"""Incidents (issue 14): the report beside its case (one per breach episode at most) and the
reports the firm filed against the clocks.

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, unique=True),
        sa.Column("firm_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("aware_at", sa.DateTime, nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("unit_codes", sa.JSON, nullable=False),
        sa.Column("model_ids", sa.JSON, nullable=False),
        sa.Column("injuries", sa.Text, nullable=False),
        sa.Column("damage", sa.Text, nullable=False),
        sa.Column("data_categories", sa.JSON, nullable=False),
        sa.Column("people_affected", sa.Integer),
        sa.Column("immediate_measures", sa.Text, nullable=False),
        sa.Column("provisional_severity", sa.Integer, nullable=False),
        sa.Column("severity", sa.Integer, nullable=False),
        sa.Column("safety_accident", sa.Boolean, nullable=False),
        sa.Column("emergency_reported_at", sa.DateTime),
        sa.Column("authority_reported_at", sa.DateTime),
        sa.Column("people_notified_at", sa.DateTime),
        sa.Column("sandbox_case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("breach_episode_id", sa.Integer, sa.ForeignKey("sandbox_breach_episodes.id"), unique=True),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("public_summary", sa.Text, nullable=False),
        sa.Column("public_measures", sa.Text, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("severity BETWEEN 1 AND 4", name="severity"),
        sa.CheckConstraint("provisional_severity BETWEEN 1 AND 4", name="provisional_severity"),
        sa.CheckConstraint("source IN ('firm', 'regulator', 'breach')", name="source"),
        sa.CheckConstraint("(lon IS NULL) = (lat IS NULL)", name="lon_lat"),
        sa.CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90)",
                           name="lon_lat_range"),
        sa.CheckConstraint("people_affected IS NULL OR people_affected >= 0", name="people_affected"),
        sa.CheckConstraint("aware_at >= occurred_at", name="aware_after_occurred"),
        sa.CheckConstraint("published = false OR (severity <= 2 AND public_summary <> '')", name="published"),
    )
    op.create_table(
        "incident_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id")),
        sa.Column("due_at", sa.DateTime),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("submitted_by_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("kind IN ('initial_report', 'follow_up_report', 'final_report')", name="kind"),
    )


def downgrade() -> None:
    op.drop_table("incident_reports")
    op.drop_table("incidents")
