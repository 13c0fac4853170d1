"""What the incident's pages show beside the stored report: the settings of the point map (the
report form's and the case page's), read by ``static/incidents/point_map.js`` from data
attributes (no inline script: a strict CSP).  The map uses the platform's configured tiles (the
sandbox's ``SANDBOX_TILE_*`` settings), or a coordinate grid without them."""
from __future__ import annotations

from flask import current_app

from supervision.incidents.models import Incident


def _tiles() -> dict[str, str]:
    cfg = current_app.config
    return {"data-tiles": cfg.get("SANDBOX_TILE_URL") or "",
            "data-attribution": cfg.get("SANDBOX_TILE_ATTRIBUTION") or ""}


def form_map(lon_id: str, lat_id: str) -> dict[str, str]:
    """The form's map: it sets and follows the fields ``lon_id`` and ``lat_id``."""
    return {**_tiles(), "data-lon-input": lon_id, "data-lat-input": lat_id}


def point_map(incident: Incident | None) -> dict[str, str] | None:
    """The case page's read-only map of the incident's point (None: no point recorded)."""
    if incident is None or incident.lon is None or incident.lat is None:
        return None
    return {**_tiles(), "data-lon": repr(incident.lon), "data-lat": repr(incident.lat)}
