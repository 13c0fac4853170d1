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


# The default ruleset v1 as it was when this revision was written (DOMAIN §4).  A literal, not an
# import: editing the application's default later must never rewrite what this revision seeded.
RULES_V1 = {
    "factor_points": {"heavy_or_fast": 1, "ota_learning": 1, "personal_data": 1, "public_space": 1,
                      "vulnerable_contact": 1},
    "heavy_or_fast": {"mass_kg_over": "20", "speed_mps_over": "1.5"},
    "level_points": {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4},
    "obligations": {
        "1": ["coding", "registration_filing"],
        "2": ["coding", "registration_filing", "certification", "public_notice", "annual_report"],
        "3": ["coding", "registration_filing", "certification", "public_notice", "annual_report", "geofence",
              "incident_report_24h", "quarterly_report", "insurance"],
        "4": ["coding", "registration_filing", "certification", "public_notice", "annual_report", "geofence",
              "incident_report_24h", "quarterly_report", "insurance", "sandbox_referral"],
    },
    "scenario_points": {"S1": 0, "S2": 1, "S3": 1, "S4": 2, "S5": 2},
    "tiers": [{"min_score": 0, "tier": 1}, {"min_score": 2, "tier": 2}, {"min_score": 4, "tier": 3},
              {"min_score": 6, "tier": 4}],
}


def upgrade() -> None:
    op.bulk_insert(rulesets, [{
        "version": 1, "rules_json": json.dumps(RULES_V1, sort_keys=True),
        "note": "Default ruleset v1 (DOMAIN §4)", "assessment_ref": None, "created_by_id": None,
        "created_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
    }])


def downgrade() -> None:
    # Classifications made under v1 keep pointing at it: the seed goes only if nothing refers to it
    # (dropping the tables, further down, takes both).
    op.execute("DELETE FROM rulesets WHERE version = 1 AND NOT EXISTS "
               "(SELECT 1 FROM classifications WHERE classifications.ruleset_id = rulesets.id)")
