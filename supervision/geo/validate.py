"""GeoJSON (RFC 7946) areas into one normalised MultiPolygon, or every problem with its path.

The same checks serve the application form, the upload and ``POST /api/v1/geofences/validate``.
A Geometry, Feature or FeatureCollection of Polygons and MultiPolygons is accepted; each
problem is reported with a JSON Pointer (RFC 6901) to where it is.  Sizes are counted on the
parsed lists before any shapely object is built, so a huge body is refused at once.  A
clockwise exterior ring is accepted and re-oriented (RFC 7946 §3.1.6: exteriors
counter-clockwise, holes clockwise).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.validation import explain_validity

from workflows.base import N_

MAX_VERTICES = 100_000
MAX_PARTS = 1_000
AREA_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Problem:
    """One refusal: where (a JSON Pointer) and why (an N_-marked message with its fields)."""

    path: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate=None) -> str:
        msg = translate(self.message) if translate else self.message
        return msg % self.params if self.params else msg

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.text()}


class GeometryInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.path}: {p.text()}" for p in problems))
        self.problems = problems


@dataclass
class _Part:
    path: str                       # pointer to the polygon's coordinates
    rings: list[Any]


def _collect(obj: Any, path: str, parts: list[_Part], problems: list[Problem]) -> None:
    """Walk Geometry / Feature / FeatureCollection, gathering polygons and structural problems."""
    if not isinstance(obj, dict):
        problems.append(Problem(path or "/", N_("Expected a GeoJSON object.")))
        return
    if "crs" in obj:
        problems.append(Problem(f"{path}/crs", N_(
            "A \"crs\" member is not allowed: coordinates are WGS-84 longitude, latitude (RFC 7946).")))
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            problems.append(Problem(f"{path}/features", N_("Expected a list of features.")))
            return
        for i, feature in enumerate(features):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                problems.append(Problem(f"{path}/features/{i}", N_("Expected a Feature.")))
                continue
            _collect(feature, f"{path}/features/{i}", parts, problems)
    elif kind == "Feature":
        geometry = obj.get("geometry")
        if geometry is None:
            problems.append(Problem(f"{path}/geometry", N_("The feature has no geometry.")))
            return
        _collect(geometry, f"{path}/geometry", parts, problems)
    elif kind == "Polygon":
        coords = obj.get("coordinates")
        if _is_list(coords):
            parts.append(_Part(f"{path}/coordinates", coords))
        else:
            problems.append(Problem(f"{path}/coordinates", N_("Expected a list of rings.")))
    elif kind == "MultiPolygon":
        coords = obj.get("coordinates")
        if not _is_list(coords):
            problems.append(Problem(f"{path}/coordinates", N_("Expected a list of polygons.")))
            return
        for i, poly in enumerate(coords):
            if _is_list(poly):
                parts.append(_Part(f"{path}/coordinates/{i}", poly))
            else:
                problems.append(Problem(f"{path}/coordinates/{i}", N_("Expected a list of rings.")))
    else:
        problems.append(Problem(f"{path}/type", N_(
            "Geometry type %(type)s is not allowed: only Polygon or MultiPolygon."),
            {"type": str(kind)[:40]}))


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _vertex_count(parts: list[_Part]) -> int:
    """Positions in every ring (lengths only: nothing is inspected or built)."""
    total = 0
    for part in parts:
        for ring in part.rings:
            if _is_list(ring):
                total += len(ring)
        if total > MAX_VERTICES:
            break
    return total


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_ring(ring: Any, path: str, problems: list[Problem]) -> list[tuple[float, float]] | None:
    if not _is_list(ring):
        problems.append(Problem(path, N_("Expected a list of positions.")))
        return None
    points: list[tuple[float, float]] = []
    ok = True
    for j, pos in enumerate(ring):
        if not (_is_list(pos) and 2 <= len(pos) <= 3 and all(_number(c) for c in pos)):
            problems.append(Problem(f"{path}/{j}", N_("A position is [longitude, latitude] in numbers.")))
            ok = False
            continue
        lon, lat = pos[0], pos[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(Problem(f"{path}/{j}", N_(
                "Coordinates out of range: longitude must be within -180..180 and latitude within -90..90.")))
            ok = False
            continue
        points.append((float(lon), float(lat)))
    if not ok:
        return None
    if len(points) < 4:
        problems.append(Problem(path, N_("A ring needs at least four positions (the last repeats the first).")))
        return None
    if points[0] != points[-1]:
        problems.append(Problem(path, N_("The ring is not closed: its last position must repeat the first.")))
        return None
    return points


def parse_area(obj: Any) -> MultiPolygon:
    """The one normalised MultiPolygon described by ``obj``; ``GeometryInvalid`` lists every problem."""
    parts: list[_Part] = []
    problems: list[Problem] = []
    _collect(obj, "", parts, problems)
    if len(parts) > MAX_PARTS:
        raise GeometryInvalid(problems + [Problem("/", N_("More than %(n)s polygons."), {"n": f"{MAX_PARTS:,}"})])
    if _vertex_count(parts) > MAX_VERTICES:
        raise GeometryInvalid(problems + [Problem("/", N_("More than %(n)s vertices."), {"n": f"{MAX_VERTICES:,}"})])
    if not parts and not problems:
        problems.append(Problem("/", N_("No polygon was given.")))
    polygons: list[Polygon] = []
    for part in parts:
        rings = [_check_ring(ring, f"{part.path}/{k}", problems) for k, ring in enumerate(part.rings)]
        if not part.rings:
            problems.append(Problem(part.path, N_("A polygon needs an exterior ring.")))
            continue
        if any(r is None for r in rings):
            continue
        poly = Polygon(rings[0], rings[1:])
        if not poly.is_valid:
            problems.append(Problem(part.path, N_("The polygon is not valid: %(detail)s"),
                                    {"detail": explain_validity(poly)}))
            continue
        polygons.append(poly)
    if problems:
        raise GeometryInvalid(problems)
    multi = shapely.orient_polygons(MultiPolygon(polygons), exterior_cw=False)
    if not multi.is_valid:  # parts that overlap or touch along an edge: merged into one area
        merged = shapely.orient_polygons(shapely.union_all(polygons), exterior_cw=False)
        multi = merged if isinstance(merged, MultiPolygon) else MultiPolygon([merged])
    return multi


def as_geojson(area: MultiPolygon) -> dict[str, Any]:
    """A MultiPolygon as a GeoJSON geometry with plain lists."""
    def lists(value: Any) -> Any:
        return [lists(v) for v in value] if isinstance(value, (list, tuple)) else value
    data = mapping(area)
    return {"type": "MultiPolygon", "coordinates": lists(data["coordinates"])}


def from_geojson(data: dict[str, Any]) -> MultiPolygon:
    """A stored (already validated) MultiPolygon back as a shapely object."""
    return shapely.geometry.shape(data)
