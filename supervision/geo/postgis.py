"""The electronic fences' scale path: the containment check run by PostGIS inside PostgreSQL.

The JSON ``geometry`` of a table (allowed areas, prohibited zones) stays the one written fact; on
PostgreSQL with the PostGIS extension, ``enable(conn, table)`` adds a ``geom`` column kept from it
by a trigger (``geometry(MultiPolygon, 4326)``, WGS-84) with a GiST index.  ``check`` answers the
same question as ``fence.FenceIndex.check`` — is each position inside one of its own owner's
areas, and inside which valid prohibited zone (the smallest key when several) — with ``ST_Covers``
(a point on an edge is inside, a point in a hole outside), for one batch in one statement.

``FENCE_ENGINE = "postgis"`` switches the sandbox's checker to it once ``flask sandbox
enable-postgis`` (or the migration, where the extension was already installed) has added the
columns.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Sequence

import numpy as np
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.engine import Connection
from sqlalchemy.types import UserDefinedType

from supervision.core import textsearch
from supervision.geo.fence import NO_ZONE, Result


_FUNCTION = """
CREATE OR REPLACE FUNCTION fence_geom_from_json() RETURNS trigger AS $$
BEGIN
  NEW.geom := ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry::text), 4326));
  RETURN NEW;
END $$ LANGUAGE plpgsql
"""


class Geometry(UserDefinedType):
    """PostGIS's ``geometry`` type, so reflection (schema comparisons) knows the mirror columns."""

    cache_ok = True

    def __init__(self, *args) -> None:
        self.args = args

    def get_col_spec(self, **kw) -> str:
        return f"geometry({', '.join(map(str, self.args))})" if self.args else "geometry"


ischema_names.setdefault("geometry", Geometry)

# What PostGIS adds beside the models: its own table, and the mirror columns and their indexes;
# and the search tables of ``core.textsearch`` (FTS5 on SQLite).
EXTENSION_TABLES = frozenset({"spatial_ref_sys"}) | textsearch.TABLES


def outside_the_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object``: False for what ``enable`` and the extension add, so schema
    comparisons (autogenerate, the migration tests) see only the models' schema.  The search
    indexes of ``core.textsearch`` are left out the same way."""
    from supervision.core import textsearch

    if reflected and compare_to is None and textsearch.outside_the_models(str(name), type_):
        return False
    if type_ == "table" and name in EXTENSION_TABLES:
        return False
    if reflected and compare_to is None and ((type_ == "column" and name == "geom")
                                             or (type_ == "index" and str(name).endswith("_geom"))):
        return False
    return True


class PostgisUnavailable(RuntimeError):
    """The database cannot run the PostGIS checker (not PostgreSQL, no extension, no columns)."""


def _identifier(name: str) -> str:
    """Table and column names go into the statements as text: the code's own, checked all the same."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def installable(conn: Connection) -> bool:
    """PostgreSQL with the PostGIS extension available on the server (installed or not)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).scalar())


def enabled(conn: Connection, table: str) -> bool:
    """The ``geom`` column of ``table`` exists (``enable`` has run)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text(
        "SELECT 1 FROM information_schema.columns WHERE table_name = :t AND column_name = 'geom' "
        "AND table_schema = current_schema()"), {"t": table}).scalar())


def enable(conn: Connection, tables: Sequence[str]) -> None:
    """Create the extension, and on each table the ``geom`` column, its trigger and its GiST
    index, filled from the JSON for the rows already there.  Idempotent."""
    if not installable(conn):
        raise PostgisUnavailable("PostGIS is not available on this database server "
                                 "(install postgresql-<version>-postgis-3).")
    conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    conn.execute(text(_FUNCTION))
    for table in map(_identifier, tables):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS geom geometry(MultiPolygon, 4326)"))
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_geom ON {table}"))
        conn.execute(text(f"CREATE TRIGGER {table}_geom BEFORE INSERT OR UPDATE OF geometry ON {table} "
                          "FOR EACH ROW EXECUTE FUNCTION fence_geom_from_json()"))
        conn.execute(text(f"UPDATE {table} SET geom = "  # noqa: S608  # nosec B608  (an identifier checked above)
                          "ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(geometry::text), 4326))"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{table}_geom ON {table} USING gist (geom)"))


def disable(conn: Connection, tables: Sequence[str]) -> None:
    """Drop what ``enable`` added (the extension stays: other schemas may use it)."""
    if conn.dialect.name != "postgresql":
        return
    for table in map(_identifier, tables):
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_geom ON {table}"))
        conn.execute(text(f"ALTER TABLE {table} DROP COLUMN IF EXISTS geom"))
    conn.execute(text("DROP FUNCTION IF EXISTS fence_geom_from_json()"))


# One statement per batch: the positions as arrays, each checked against its owner's allowed
# areas (by id) and the zones valid at its time, both through the GiST indexes.
_CHECK = """
WITH p AS (
  SELECT i, owner, t, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt
  FROM unnest(CAST(:lon AS float8[]), CAST(:lat AS float8[]), CAST(:owner AS bigint[]),
              CAST(:t AS timestamp[])) WITH ORDINALITY AS u(lon, lat, owner, t, i)
)
SELECT p.i,
  EXISTS (SELECT 1 FROM {areas} a
          WHERE a.{owner} = p.owner AND a.id = ANY(CAST(:areas AS integer[])) AND ST_Covers(a.geom, p.pt)),
  (SELECT min(z.id) FROM prohibited_zones z
   WHERE ST_Covers(z.geom, p.pt) AND z.valid_from <= p.t AND (z.valid_to IS NULL OR p.t < z.valid_to))
FROM p ORDER BY p.i
"""


def check(conn: Connection, areas: tuple[str, str], area_ids: Sequence[int], lon: Sequence[float],
          lat: Sequence[float], owner: Sequence[int], when: Sequence[dt.datetime]) -> Result:
    """``FenceIndex.check`` in the database.  ``areas`` names the allowed areas' table and its
    owner column (the caller's, never user input); ``area_ids`` are the areas in force (of any
    owner: each position counts only its own owner's); ``when`` naive UTC times."""
    table, owner_column = map(_identifier, areas)
    if not (enabled(conn, table) and enabled(conn, "prohibited_zones")):
        raise PostgisUnavailable("FENCE_ENGINE is 'postgis' but the geometry columns are missing: "
                                 "run `flask --app wsgi sandbox enable-postgis`.")
    statement = text(_CHECK.format(areas=table, owner=owner_column))
    rows = conn.execute(statement, {"lon": [float(x) for x in lon], "lat": [float(y) for y in lat],
                                 "owner": [int(o) for o in owner], "t": list(when),
                                 "areas": [int(a) for a in area_ids]}).all()
    inside = np.array([bool(r[1]) for r in rows], dtype=bool)
    zone = np.array([NO_ZONE if r[2] is None else int(r[2]) for r in rows], dtype=np.int64)
    return Result(inside, zone)
