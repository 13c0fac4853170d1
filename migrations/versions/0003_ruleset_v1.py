"""Seed the default classification ruleset v1 (DOMAIN §4).

Revision ID: 0003
Revises: 0002
"""
import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

rulesets = sa.table("rulesets", sa.column("version", sa.Integer), sa.column("rules_json", sa.Text),
                    sa.column("note", sa.Text), sa.column("assessment_ref", sa.String),
                    sa.column("created_by_id", sa.Integer), sa.column("created_at", sa.DateTime))


def upgrade() -> None:
    from supervision.registry.tiering import DEFAULT_RULES_V1

    op.bulk_insert(rulesets, [{
        "version": 1, "rules_json": json.dumps(DEFAULT_RULES_V1, sort_keys=True),
        "note": "Default ruleset v1 (DOMAIN §4)", "assessment_ref": None, "created_by_id": None,
        "created_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
    }])


def downgrade() -> None:
    # Classifications made under v1 keep pointing at it: the seed goes only if nothing refers to it
    # (dropping the tables, further down, takes both).
    op.execute("DELETE FROM rulesets WHERE version = 1 AND NOT EXISTS "
               "(SELECT 1 FROM classifications WHERE classifications.ruleset_id = rulesets.id)")
