"""Geometry validation: every refusal with its path and message; strict JSON; normalisation."""
from __future__ import annotations

import time

import pytest

from supervision.geo.validate import GeometryInvalid, as_geojson, parse_area

SQUARE_CW = [[120.0, 30.0], [120.0, 30.1], [120.1, 30.1], [120.1, 30.0], [120.0, 30.0]]


def problems(obj):
    with pytest.raises(GeometryInvalid) as err:
        parse_area(obj)
    return [p.as_json() for p in err.value.problems]


def poly(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def test_a_clockwise_exterior_is_accepted_and_reoriented_counter_clockwise():
    out = as_geojson(parse_area(poly(SQUARE_CW)))
    assert out["type"] == "MultiPolygon"
    ring = out["coordinates"][0][0]
    signed = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))
    assert signed > 0  # counter-clockwise
    assert sorted(map(tuple, ring[:-1])) == sorted(map(tuple, SQUARE_CW[:-1]))


def test_feature_collection_of_polygons_and_multipolygons_becomes_one_multipolygon():
    other = [[121.0, 30.0], [121.1, 30.0], [121.1, 30.1], [121.0, 30.0]]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": poly(SQUARE_CW)},
        {"type": "Feature", "properties": None, "geometry": {"type": "MultiPolygon", "coordinates": [[other]]}}]}
    out = as_geojson(parse_area(fc))
    assert len(out["coordinates"]) == 2


@pytest.mark.parametrize("obj, path, message", [
    (poly(SQUARE_CW[:-1]), "/coordinates/0", "The ring is not closed"),
    (poly([[0, 0], [1, 1], [0, 0]]), "/coordinates/0", "at least four positions"),
    (poly([[0, 0], [0, 91], [1, 1], [0, 0]]), "/coordinates/0/1", "out of range"),
    (poly([[0, 0], [181, 1], [1, 1], [0, 0]]), "/coordinates/0/1", "out of range"),
    (poly([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]), "/coordinates", "Self-intersection[0.5 0.5]"),
    ({"type": "Point", "coordinates": [0, 0]}, "/type", "Geometry type Point is not allowed"),
    ({"type": "GeometryCollection", "geometries": []}, "/type", "only Polygon or MultiPolygon"),
    ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "/type", "not allowed"),
    ({**poly(SQUARE_CW), "crs": {"type": "name"}}, "/crs", "\"crs\" member is not allowed"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]},
     "/features/0/geometry", "no geometry"),
    ({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0, "x"], [1, 1], [0, 0]]]}},
     "/geometry/coordinates/0/1", "[longitude, latitude]"),
])
def test_each_bad_input_is_refused_with_its_path_and_message(obj, path, message):
    found = problems(obj)
    assert any(p["path"] == path and message in p["message"] for p in found), found


def test_more_than_100000_vertices_or_1000_parts_are_refused():
    ring = [[0, 0]] * 100_001
    assert problems(poly(ring)) == [{"path": "/", "message": "More than 100,000 vertices."}]
    parts = {"type": "MultiPolygon", "coordinates": [[SQUARE_CW]] * 1001}
    assert problems(parts) == [{"path": "/", "message": "More than 1,000 polygons."}]


def test_500000_vertices_are_counted_and_refused_before_any_shape_is_built():
    # (Over HTTP such a body is already refused by its size: tests/geo/test_api.py.)
    obj = poly([[120.0 + i * 1e-6, 30.0] for i in range(500_000)])
    start = time.perf_counter()
    with pytest.raises(GeometryInvalid):
        parse_area(obj)
    assert time.perf_counter() - start < 0.05
