"""Prohibited zones: regulators create them for a period and end them (never delete).
Each change is one audit event; the fence checker reads the zones valid at a time."""
from __future__ import annotations

import datetime as dt
from typing import Any

from supervision.audit.services import record
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.geo.models import ProhibitedZone
from supervision.geo.validate import as_geojson, parse_area


def create_zone(*, name: str, geojson: Any, valid_from: dt.datetime, valid_to: dt.datetime | None,
                actor) -> ProhibitedZone:
    """Validate ``geojson`` (``GeometryInvalid`` lists the problems) and record the zone."""
    area = parse_area(geojson)
    zone = ProhibitedZone(name=name.strip()[:200], department_id=actor.organisation_id,
                          geometry=as_geojson(area), valid_from=valid_from, valid_to=valid_to,
                          created_by_id=actor.id)
    db.session.add(zone)
    db.session.flush()
    record("geo.zone_create", actor=actor, object_type="prohibited_zone", object_id=zone.id,
           details={"name": zone.name, "valid_from": valid_from.isoformat(),
                    "valid_to": valid_to.isoformat() if valid_to else None})
    return zone


def end_zone(zone: ProhibitedZone, *, actor, at: dt.datetime | None = None) -> ProhibitedZone:
    end = at or utcnow()
    if zone.valid_to is None or zone.valid_to > end:
        zone.valid_to = max(end, zone.valid_from + dt.timedelta(seconds=1))
        db.session.flush()
        record("geo.zone_end", actor=actor, object_type="prohibited_zone", object_id=zone.id,
               details={"valid_to": zone.valid_to.isoformat()})
    return zone


def zones_between(start: dt.datetime, end: dt.datetime) -> list[ProhibitedZone]:
    """Zones valid at some moment in [start, end]."""
    return list(db.session.execute(db.select(ProhibitedZone).where(
        ProhibitedZone.valid_from <= end,
        (ProhibitedZone.valid_to.is_(None)) | (ProhibitedZone.valid_to > start))
        .order_by(ProhibitedZone.id)).scalars())
