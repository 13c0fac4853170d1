"""PostGIS geometries of allowed areas and prohibited zones (the fences' scale path), where the
database server has the extension: a ``geom`` column kept from the JSON by a trigger, GiST-indexed.
Elsewhere nothing changes (``flask sandbox enable-postgis`` adds them later).

Revision ID: 0034
Revises: 0026
"""
from alembic import op

from supervision.geo import postgis

revision = "0034"
down_revision = "0026"
branch_labels = None
depends_on = None

TABLES = ("prohibited_zones", "sandbox_areas")


def upgrade() -> None:
    conn = op.get_bind()
    if postgis.installable(conn):
        postgis.enable(conn, TABLES)


def downgrade() -> None:
    postgis.disable(op.get_bind(), TABLES)
