"""The fences' scale path: PostGIS in PostgreSQL gives the same answers as the in-process checker
(same positions, same areas and zones: inside or not, which zone, which breach), edges and holes
included; the geometry column follows the JSON it mirrors."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from shapely.geometry import shape
from sqlalchemy import text

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.geo import postgis
from supervision.geo.fence import FenceIndex, Zone
from supervision.geo.services import create_zone, end_zone
from supervision.sandbox import fences
from tests.sandbox.test_api import keys, post  # noqa: F401  (the API tests' tokens)

pytestmark = pytest.mark.postgres

# A zone across the square's east edge with a hole, one that ended, one inside another (keys differ).
ZONE_WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[120.15, 30.22], [120.25, 30.22], [120.25, 30.28], [120.15, 30.28], [120.15, 30.22]],
    [[120.17, 30.24], [120.19, 30.24], [120.19, 30.26], [120.17, 30.26], [120.17, 30.24]]]}
ENDED = {"type": "Polygon", "coordinates": [[[120.10, 30.20], [120.13, 30.20], [120.13, 30.23],
                                             [120.10, 30.23], [120.10, 30.20]]]}
INNER = {"type": "Polygon", "coordinates": [[[120.16, 30.23], [120.18, 30.23], [120.18, 30.25],
                                             [120.16, 30.25], [120.16, 30.23]]]}
# Every vertex and edge coordinate above, their midpoints, and points off both.
GRID = [120.05, 120.10, 120.11, 120.13, 120.15, 120.16, 120.17, 120.18, 120.19, 120.20, 120.25, 120.3]
GRID_Y = [30.15, 30.20, 30.21, 30.22, 30.23, 30.24, 30.25, 30.26, 30.28, 30.30, 30.35]


@pytest.fixture
def fenced(app, world, running):
    with db.engine.connect() as conn:
        if not postgis.installable(conn):
            pytest.skip("needs PostGIS (postgresql-<version>-postgis-3 on the database server)")
    postgis.enable(db.session.connection(), fences.POSTGIS_TABLES)
    start = utcnow() - dt.timedelta(days=1)
    zones = [create_zone(name=name, geojson=geo, valid_from=start, valid_to=None, actor=world.officer)
             for name, geo in (("Hole", ZONE_WITH_HOLE), ("Ended", ENDED), ("Inner", INNER))]
    end_zone(zones[1], actor=world.officer, at=start + dt.timedelta(hours=1))
    db.session.commit()
    return running


def _in_process(test, lon, lat, when):
    from supervision.geo.models import ProhibitedZone

    areas = [(test.id, shape(a.geometry)) for a in test.areas]
    zones = [Zone(z.id, shape(z.geometry), fences._epoch(z.valid_from), fences._epoch(z.valid_to) if z.valid_to else None)
             for z in db.session.execute(db.select(ProhibitedZone)).scalars()]
    return FenceIndex(areas, zones).check(np.array(lon), np.array(lat), np.array([test.id] * len(lon)),
                                          np.array([fences._epoch(w) for w in when]))


def _in_database(test, lon, lat, when):
    return postgis.check(db.session.connection(), fences.AREAS, [a.id for a in test.areas], lon, lat,
                         [test.id] * len(lon), when)


def test_both_checkers_agree_on_every_vertex_edge_and_hole(fenced):
    lon = [x for x in GRID for _ in GRID_Y]
    lat = [y for _ in GRID for y in GRID_Y]
    now = utcnow()
    when = [now] * len(lon)
    a, b = _in_process(fenced, lon, lat, when), _in_database(fenced, lon, lat, when)
    assert a.inside_area.any() and not a.inside_area.all()
    assert len(set(a.zone.tolist())) == 3             # no zone, "Hole" and "Inner" (the ended one never)
    assert a.inside_area.tolist() == b.inside_area.tolist()
    assert a.zone.tolist() == b.zone.tolist()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(-30, 30)),
                       min_size=1, max_size=40))
def test_both_checkers_agree_on_random_points_and_times(fenced, points):
    # A 0.005-degree lattice over the square and beyond (its lines hit every edge), at times
    # around the ended zone's validity.
    lon = [120.05 + x * 0.005 for x, _, _ in points]
    lat = [30.15 + y * 0.005 for _, y, _ in points]
    base = utcnow() - dt.timedelta(days=1)
    when = [base + dt.timedelta(minutes=5 * m) for _, _, m in points]
    a, b = _in_process(fenced, lon, lat, when), _in_database(fenced, lon, lat, when)
    assert a.inside_area.tolist() == b.inside_area.tolist()
    assert a.zone.tolist() == b.zone.tolist()


def test_positions_through_the_api_give_the_same_breaches_with_either_engine(app, client, keys, fenced, monkeypatch):
    unit = fences._running_tests(fenced.case.firm_id)[0].conditions.unit_codes[0]
    now = utcnow().replace(microsecond=0)
    spots = [(120.12, 30.21), (120.30, 30.25), (120.16, 30.24), (120.18, 30.25), (120.15, 30.22), (120.12, 30.21)]
    answers = {}
    for engine, minutes in (("shapely", 30), ("postgis", 20)):
        monkeypatch.setitem(app.config, "FENCE_ENGINE", engine)
        batch = [{"unit": unit, "time": (now - dt.timedelta(minutes=minutes, seconds=-i)).isoformat() + "Z",
                  "lon": lon, "lat": lat} for i, (lon, lat) in enumerate(spots)]
        reply = post(client, "/api/v1/sandbox/positions", {"positions": batch}, keys["a"])
        assert reply.status_code == 200, reply.get_json()
        answers[engine] = [(b["index"], b["kind"]) for b in reply.get_json()["breaches"]]
    assert answers["shapely"] == answers["postgis"]
    assert answers["shapely"] == [(1, "outside_area"), (2, "prohibited_zone"), (3, "prohibited_zone"),
                                  (4, "prohibited_zone")]


def test_the_geometry_column_follows_the_json(fenced):
    area = fenced.areas[0]
    moved = {"type": "MultiPolygon", "coordinates": [[[[121.0, 31.0], [121.1, 31.0], [121.1, 31.1],
                                                         [121.0, 31.1], [121.0, 31.0]]]]}
    area.geometry = moved
    db.session.flush()
    x = db.session.execute(text("SELECT ST_X(ST_Centroid(geom)) FROM sandbox_areas WHERE id = :i"), {"i": area.id}).scalar()
    assert x == pytest.approx(121.05)


def test_the_database_checker_refuses_without_its_columns(app, fenced):
    postgis.disable(db.session.connection(), fences.POSTGIS_TABLES)
    with pytest.raises(postgis.PostgisUnavailable, match="enable-postgis"):
        _in_database(fenced, [120.12], [30.21], [utcnow()])
    db.session.rollback()
