"""Legal instruments and provisions as configuration; a decision kind's basis as provision keys;
a firm's address.

The free-text legal bases (``decision_legal_bases``) give way to provision lists: a wording an
administrator had typed cannot be read as provisions, so it is dropped (the audit log keeps
every change of it) and the kind cites its default provisions until the administrator sets
others.  Downgrade recreates the empty free-text table.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_instruments",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("title_zh", sa.String(200), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("issuing_body_zh", sa.String(200), nullable=False),
        sa.Column("issuing_body_en", sa.String(300), nullable=False),
        sa.Column("document_number", sa.String(120), nullable=False),
        sa.Column("adopted_on", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("national", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_legal_instruments_updated_by_id_users")),
        sa.PrimaryKeyConstraint("key", name="pk_legal_instruments"),
        sa.CheckConstraint("status IN ('adopted', 'draft_example')", name="ck_legal_instruments_status"),
        sa.CheckConstraint("status != 'adopted' OR (adopted_on IS NOT NULL AND document_number != '')",
                           name="ck_legal_instruments_adopted_has_number_and_date"),
    )
    op.create_table(
        "legal_provisions",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("instrument_key", sa.String(40), nullable=False),
        sa.Column("article", sa.Integer, nullable=False),
        sa.Column("paragraph", sa.Integer),
        sa.Column("item", sa.Integer),
        sa.Column("text_zh", sa.Text, nullable=False),
        sa.Column("text_en", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_legal_provisions_updated_by_id_users")),
        sa.PrimaryKeyConstraint("key", name="pk_legal_provisions"),
    )
    op.create_index("ix_legal_provisions_instrument_key", "legal_provisions", ["instrument_key"])
    op.create_table(
        "decision_kind_bases",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("nature", sa.String(16), nullable=False),
        sa.Column("provisions", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_decision_kind_bases_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name="pk_decision_kind_bases"),
        sa.UniqueConstraint("kind", "nature", name="uq_decision_kind_bases_kind_nature"),
    )
    op.drop_table("decision_legal_bases")
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("address_zh", sa.String(300)))
        batch.add_column(sa.Column("address_en", sa.String(300)))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy of ``organisations`` would drop the
    # table, which SQLite refuses with foreign keys on while cases and users refer to its rows.
    op.drop_column("organisations", "address_en")
    op.drop_column("organisations", "address_zh")
    op.create_table(
        "decision_legal_bases",
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("text_zh", sa.Text, nullable=False),
        sa.Column("text_en", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by_id", sa.Integer,
                  sa.ForeignKey("users.id", name="fk_decision_legal_bases_updated_by_id_users")),
        sa.PrimaryKeyConstraint("kind", name="pk_decision_legal_bases"),
    )
    op.drop_table("decision_kind_bases")
    op.drop_index("ix_legal_provisions_instrument_key", table_name="legal_provisions")
    op.drop_table("legal_provisions")
    op.drop_table("legal_instruments")
