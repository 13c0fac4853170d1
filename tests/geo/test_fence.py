"""The containment checker agrees with a reference point-in-polygon on random polygons and points,
edges and holes included; zones count only while valid; a position counts only for its own test."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import shapely
from hypothesis import assume, given, strategies as st
from shapely.geometry import MultiPolygon, Polygon

from supervision.geo.fence import NO_ZONE, FenceIndex, Zone


def _on_segment(p, a, b) -> bool:
    (px, py), (ax, ay), (bx, by) = p, a, b
    if (bx - ax) * (py - ay) - (by - ay) * (px - ax) != 0:
        return False
    return min(ax, bx) <= px <= max(ax, bx) and min(ay, by) <= py <= max(ay, by)


def _ring_position(p, ring) -> str:
    """'boundary', 'inside' or 'outside' by exact arithmetic (crossing number)."""
    px, py = p
    inside = False
    for a, b in zip(ring, ring[1:]):
        if _on_segment(p, a, b):
            return "boundary"
        (ax, ay), (bx, by) = a, b
        if (ay > py) != (by > py):
            x_cross = ax + (py - ay) * (bx - ax) / (by - ay)
            if px < x_cross:
                inside = not inside
    return "inside" if inside else "outside"


def reference_covers(polygon_rings, p) -> bool:
    """Covered by a polygon (exterior ring, holes): on an edge counts; strictly in a hole does not."""
    exterior, *holes = polygon_rings
    if _ring_position(p, exterior) == "outside":
        return False
    return not any(_ring_position(p, hole) == "inside" for hole in holes)


coords = st.integers(min_value=0, max_value=20)


@st.composite
def polygons(draw):
    pts = draw(st.lists(st.tuples(coords, coords), min_size=3, max_size=9, unique=True))
    hull = shapely.convex_hull(shapely.multipoints(pts))
    assume(isinstance(hull, Polygon) and hull.area > 0)
    exterior = [tuple(int(c) for c in xy) for xy in hull.exterior.coords]
    holes = []
    if draw(st.booleans()):
        x0, y0 = draw(coords), draw(coords)
        w, h = draw(st.integers(1, 6)), draw(st.integers(1, 6))
        hole = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]
        if Polygon(exterior).contains(Polygon(hole).buffer(0.01)):
            holes.append(hole)
    return [exterior, *holes]


@st.composite
def probe_points(draw, rings):
    """Points on a quarter grid, and points exactly on the polygon's edges (exact in binary)."""
    out = []
    for _ in range(draw(st.integers(5, 30))):
        if draw(st.booleans()):
            ring = draw(st.sampled_from(rings))
            i = draw(st.integers(0, len(ring) - 2))
            (ax, ay), (bx, by) = ring[i], ring[i + 1]
            k = Fraction(draw(st.integers(0, 4)), 4)
            out.append((ax + k * (bx - ax), ay + k * (by - ay)))
        else:
            out.append((Fraction(draw(st.integers(-4, 84)), 4), Fraction(draw(st.integers(-4, 84)), 4)))
    return out


@given(st.data())
def test_containment_agrees_with_reference_including_edges_and_holes(data):
    mine = data.draw(polygons())
    other = data.draw(polygons())           # another test's area, possibly overlapping
    points = data.draw(probe_points(mine))
    index = FenceIndex([(1, Polygon(mine[0], mine[1:])), (2, Polygon(other[0], other[1:]))])
    lon = np.array([float(x) for x, _ in points])
    lat = np.array([float(y) for _, y in points])
    result = index.check(lon, lat, np.ones(len(points), dtype=np.int64), np.zeros(len(points)))
    expected = [reference_covers(mine, p) for p in points]
    assert result.inside_area.tolist() == expected


def test_a_point_in_a_hole_is_outside_and_on_the_hole_edge_inside():
    area = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]])
    index = FenceIndex([(7, area)])
    r = index.check(np.array([5.0, 4.0, 1.0, 11.0]), np.array([5.0, 5.0, 1.0, 1.0]),
                    np.full(4, 7), np.zeros(4))
    assert r.inside_area.tolist() == [False, True, True, False]


def test_a_position_counts_only_inside_its_own_tests_areas():
    index = FenceIndex([(1, Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])),
                        (2, Polygon([(5, 5), (6, 5), (6, 6), (5, 6)]))])
    r = index.check(np.array([0.5, 5.5]), np.array([0.5, 5.5]), np.array([2, 2]), np.zeros(2))
    assert r.inside_area.tolist() == [False, True]


def test_prohibited_zones_count_only_while_valid():
    square = MultiPolygon([Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])])
    index = FenceIndex([(1, square)], [Zone(40, Polygon([(1, 1), (3, 1), (3, 3), (1, 3)]), 100, 200),
                                       Zone(41, Polygon([(0, 0), (0.5, 0), (0.5, 0.5), (0, 0.5)]), 0)])
    r = index.check(np.array([1.5, 1.5, 1.5, 0.25]), np.array([1.5, 1.5, 1.5, 0.25]),
                    np.ones(4), np.array([99, 100, 200, 10**9]))
    assert r.zone.tolist() == [NO_ZONE, 40, NO_ZONE, 41]
    assert r.inside_area.all()
