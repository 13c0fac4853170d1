"""The containment checker: many positions against many allowed areas and prohibited zones.

One ``FenceIndex`` is built from the allowed areas of every active test (each owned by a test)
and the prohibited zones (each with validity times).  ``check`` takes a batch of positions —
arrays of longitude, latitude, the owning test of each position's unit and its time (epoch
seconds) — and answers, vectorised, whether each position lies in one of its own test's
areas and which valid prohibited zone (if any; the smallest key where several) it lies in.
Both use shapely 2's ``STRtree`` with the ``covered_by`` predicate on all points at once: a
point on an edge counts as inside (of an allowed area, and of a prohibited zone), a point in a
hole as outside.  ``geo.postgis.check`` answers the same in PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

NO_ZONE = -1
FOREVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Zone:
    key: int
    geometry: BaseGeometry
    valid_from: int                 # epoch seconds
    valid_to: int | None = None     # epoch seconds, exclusive; None: open-ended


@dataclass(frozen=True)
class Result:
    inside_area: np.ndarray         # bool per position: inside one of its own test's areas
    zone: np.ndarray                # int64 per position: a valid zone's key, or NO_ZONE


class FenceIndex:
    def __init__(self, areas: Sequence[tuple[int, BaseGeometry]], zones: Sequence[Zone] = ()):
        self.area_owner = np.array([owner for owner, _ in areas], dtype=np.int64)
        area_geoms = np.array([g for _, g in areas], dtype=object)
        shapely.prepare(area_geoms)
        self.areas = STRtree(area_geoms)
        self.zone_key = np.array([z.key for z in zones], dtype=np.int64)
        self.zone_from = np.array([z.valid_from for z in zones], dtype=np.int64)
        self.zone_to = np.array([FOREVER if z.valid_to is None else z.valid_to for z in zones],
                                dtype=np.int64)
        zone_geoms = np.array([z.geometry for z in zones], dtype=object)
        shapely.prepare(zone_geoms)
        self.zones = STRtree(zone_geoms)

    def check(self, lon: np.ndarray, lat: np.ndarray, owner: np.ndarray,
              when: np.ndarray) -> Result:
        n = len(lon)
        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        inside = np.zeros(n, dtype=bool)
        if len(self.area_owner):
            pos, area = self.areas.query(points, predicate="covered_by")
            own = self.area_owner[area] == np.asarray(owner)[pos]
            inside[pos[own]] = True
        zone = np.full(n, FOREVER, dtype=np.int64)
        if len(self.zone_key):
            pos, z = self.zones.query(points, predicate="covered_by")
            t = np.asarray(when, dtype=np.int64)[pos]
            valid = (self.zone_from[z] <= t) & (t < self.zone_to[z])
            np.minimum.at(zone, pos[valid], self.zone_key[z[valid]])  # several zones: the smallest key
        zone[zone == FOREVER] = NO_ZONE
        return Result(inside, zone)
