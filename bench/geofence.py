"""Geofence checking speed: ``python -m bench.geofence [--tests 1000] [--zones 1000] [--batch 10000]``.

Builds 1,000 active tests' allowed areas and 1,000 prohibited zones (random polygons of 8–40
vertices around Hangzhou), then checks batches of 10,000 positions (about half inside their
test's area) with ``supervision.geo.fence.FenceIndex.check`` and prints positions per second on
one core, beside the floor: the bare shapely 2 vectorised call (``STRtree.query`` with
``covered_by`` on areas and zones) over the same points in the same run.  Goal: ≥ 50,000/s.
"""
from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
import shapely
from shapely.geometry import Polygon

from supervision.geo.fence import FenceIndex, Zone

LON0, LAT0 = 120.15, 30.28     # Hangzhou


def _blob(rng: np.random.Generator, cx: float, cy: float, radius: float) -> Polygon:
    n = int(rng.integers(8, 41))
    angles = np.sort(rng.uniform(0, 2 * math.pi, n))
    radii = radius * rng.uniform(0.6, 1.0, n)
    return Polygon(zip(cx + radii * np.cos(angles), cy + radii * np.sin(angles)))


def build(tests: int, zones: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    centres = np.column_stack([LON0 + rng.uniform(-0.5, 0.5, tests), LAT0 + rng.uniform(-0.4, 0.4, tests)])
    areas = [(i, _blob(rng, x, y, 0.01)) for i, (x, y) in enumerate(centres)]
    zone_rows = [Zone(10_000 + k, _blob(rng, LON0 + rng.uniform(-0.5, 0.5), LAT0 + rng.uniform(-0.4, 0.4), 0.004),
                      valid_from=0, valid_to=None if k % 2 else 4_000_000_000) for k in range(zones)]
    return rng, centres, areas, zone_rows


def positions(rng, centres, batch: int):
    owner = rng.integers(0, len(centres), batch)
    spread = rng.uniform(0, 0.016, batch)      # radius 0.01: about half the points are inside
    angle = rng.uniform(0, 2 * math.pi, batch)
    lon = centres[owner, 0] + spread * np.cos(angle)
    lat = centres[owner, 1] + spread * np.sin(angle)
    return lon, lat, owner, np.full(batch, 1_800_000_000, dtype=np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rng, centres, areas, zones = build(args.tests, args.zones)
    start = time.perf_counter()
    index = FenceIndex(areas, zones)
    print(f"index: {args.tests} tests' areas, {args.zones} zones built in {time.perf_counter() - start:.3f} s")
    batches = [positions(rng, centres, args.batch) for _ in range(args.rounds)]
    index.check(*batches[0])  # warm up (prepared geometries)

    start = time.perf_counter()
    inside = 0
    for b in batches:
        inside += int(index.check(*b).inside_area.sum())
    ours = args.rounds * args.batch / (time.perf_counter() - start)

    start = time.perf_counter()
    for lon, lat, _owner, _when in batches:
        pts = shapely.points(lon, lat)
        index.areas.query(pts, predicate="covered_by")
        index.zones.query(pts, predicate="covered_by")
    floor = args.rounds * args.batch / (time.perf_counter() - start)

    print(f"positions checked: {args.rounds} batches of {args.batch:,} ({inside / (args.rounds * args.batch):.0%} inside their area)")
    print(f"FenceIndex.check            {ours:12,.0f} positions/s  (goal ≥ 50,000/s)")
    print(f"bare STRtree covered_by     {floor:12,.0f} positions/s  (floor; ours is {ours / floor:.0%} of it)")


if __name__ == "__main__":
    main()
