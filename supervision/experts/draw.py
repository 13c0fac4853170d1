"""The draw itself, pure: no database, no clock, no randomness of its own.

Algorithm ``v1``: every eligible id gets the key SHA-256("v1:<seed>:<id>"); the ``n`` ids with
the smallest keys are chosen, in key order.  Anyone with the recorded seed and pool can re-run it
(``python -c`` is enough) and get the same result."""
from __future__ import annotations

import hashlib
from typing import Sequence

ALGORITHM = "v1"


class TooFewEligible(ValueError):
    def __init__(self, eligible: int, n: int):
        super().__init__(f"{eligible} eligible, {n} wanted")
        self.eligible, self.n = eligible, n


def _key(algorithm: str, seed: str, ident: int) -> str:
    return hashlib.sha256(f"{algorithm}:{seed}:{ident}".encode()).hexdigest()


def draw(pool: Sequence[int], n: int, seed: str, algorithm: str = ALGORITHM) -> list[int]:
    """Choose ``n`` of ``pool`` (ids, any order: they are put in canonical order first)."""
    if algorithm != "v1":
        raise ValueError(f"unknown draw algorithm {algorithm!r}")
    ids = sorted(set(int(i) for i in pool))
    if n < 1 or len(ids) < n:
        raise TooFewEligible(len(ids), n)
    return sorted(ids, key=lambda i: _key(algorithm, seed, i))[:n]
