"""The sandbox's API endpoints (on the ``/api/v1`` framework): geometry validation for allowed
areas, and positions from units in a test.  Thin adapters over ``geo.validate`` and
``sandbox.fences``; the token's firm is the only firm they read or write."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from supervision.api.framework import ApiError, blueprint, current_firm, endpoint
from supervision.core.i18n import label
from supervision.geo.validate import GeometryInvalid, as_geojson, parse_area
from supervision.sandbox import fences
from workflows.base import N_

bp = blueprint("sandbox_api", __name__)
MAX_AREA_BODY = 2 * 1024 * 1024

ERRORS = {"type": "array", "items": {"type": "object", "required": ["path", "message"],
                                     "properties": {"path": {"type": "string"}, "message": {"type": "string"}}}}
GEOMETRY_RESULT = {"type": "object", "required": ["valid"], "properties": {
    "valid": {"type": "boolean"}, "geometry": {"type": "object"}, "errors": ERRORS}}
POSITIONS = {"type": "object", "required": ["positions"], "properties": {"positions": {
    "type": "array", "maxItems": 10000, "items": {
        "type": "object", "required": ["unit", "time", "lon", "lat"],
        "properties": {"unit": {"type": "string"}, "time": {"type": "string", "format": "date-time"},
                       "lon": {"type": "number", "minimum": -180, "maximum": 180},
                       "lat": {"type": "number", "minimum": -90, "maximum": 90}}}}}}
POSITIONS_RESULT = {"type": "object", "required": ["accepted", "rejected", "breaches"], "properties": {
    "accepted": {"type": "integer"},
    "rejected": {"type": "array", "items": {"type": "object", "properties": {
        "index": {"type": "integer"}, "message": {"type": "string"}}}},
    "breaches": {"type": "array", "items": {"type": "object", "properties": {
        "index": {"type": "integer"}, "unit": {"type": "string"},
        "kind": {"type": "string", "enum": ["outside_area", "prohibited_zone", "unit_not_in_test", "outside_period"]},
        "episode": {"type": "integer"}}}}}}


@endpoint(bp, "/geofences/validate", method="POST", scope="geofences:validate", tag="sandbox",
          summary=N_("Check an allowed area (GeoJSON Geometry, Feature or FeatureCollection)"),
          body={"type": "object"}, max_body=MAX_AREA_BODY,
          responses={200: (N_("Valid: the area as one normalised MultiPolygon."), GEOMETRY_RESULT),
                     422: (N_("Not valid: every problem with its JSON Pointer."), GEOMETRY_RESULT)})
def validate_geofence(payload: Any):
    """The same checks as the application form: (Multi)Polygons only, closed rings of at least
    four positions, WGS-84 ranges, no self-intersection, no ``crs``, at most 100,000 vertices and
    1,000 polygons.  A clockwise exterior ring is accepted and re-oriented (RFC 7946 §3.1.6)."""
    try:
        area = parse_area(payload)
    except GeometryInvalid as err:
        return {"valid": False, "errors": [{"path": p.path, "message": p.text(label)} for p in err.problems]}, 422
    return {"valid": True, "geometry": as_geojson(area)}


@endpoint(bp, "/sandbox/positions", method="POST", scope="positions:write", tag="sandbox",
          summary=N_("Report positions of units in a sandbox test (at most 10,000)"),
          body=POSITIONS, max_body=4 * 1024 * 1024,
          responses={200: (N_("What was accepted, each rejected record, and the breaches."), POSITIONS_RESULT)})
def post_positions(payload: Any):
    """Each position is checked against its test's allowed areas and the prohibited zones valid
    at its time; positions while the test is paused or suspended are breaches of kind
    ``outside_period``.  Bad records are reported by index; the good ones are kept."""
    limit = current_app.config["SANDBOX"]["max_positions"]
    records = payload.get("positions") if isinstance(payload, dict) else None
    if not isinstance(records, list) or set(payload) != {"positions"}:
        raise ApiError(422, _('Expected {"positions": [...]}.'))
    if len(records) > limit:
        raise ApiError(422, _("At most %(n)s positions per request.", n=f"{limit:,}"))
    return fences.ingest(current_firm(), records, translate=label).as_json()
