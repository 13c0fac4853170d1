"""The Merkle tree over the audit log, in the style of RFC 6962 / RFC 9162 (section 2.1).

Leaf hash = SHA-256(0x00 || event's canonical bytes); interior = SHA-256(0x01 || left || right);
the empty tree's root is SHA-256("").  Pure functions: ``tools/verify_dossier.py`` carries a copy
of the two ``verify_*`` functions so that it runs without this application.
"""
from __future__ import annotations

import hashlib
from typing import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """All complete aligned subtrees of a list of leaf hashes, so any root or proof of a prefix
    costs O(log² n) hashes once the tree is built (O(n))."""

    def __init__(self, leaves: Sequence[bytes]):
        self.levels: list[list[bytes]] = [list(leaves)]
        level = self.levels[0]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            self.levels.append(level)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def _hash(self, start: int, end: int) -> bytes:
        """MTH of leaves[start:end]; ``start`` is aligned as in the RFC's recursion."""
        n = end - start
        if n == 1:
            return self.levels[0][start]
        if n & (n - 1) == 0 and start % n == 0:
            return self.levels[n.bit_length() - 1][start // n]
        k = _split(n)
        return node_hash(self._hash(start, start + k), self._hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError("tree size out of range")
        return EMPTY_ROOT if size == 0 else self._hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 6962 PATH(index, D[0:size]), leaf to root."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError("leaf index out of range")
        return self._path(index, 0, size)

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return self._path(m, start, start + k) + [self._hash(start + k, end)]
        return self._path(m - k, start + k, end) + [self._hash(start, start + k)]

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 6962 PROOF(old_size, D[0:new_size])."""
        new_size = self.size if new_size is None else new_size
        if not 0 < old_size <= new_size <= self.size:
            raise ValueError("sizes out of range")
        if old_size == new_size:
            return []
        return self._subproof(old_size, 0, new_size, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [self._hash(start, end)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, start, start + k, complete) + [self._hash(start + k, end)]
        return self._subproof(m - k, start + k, end, False) + [self._hash(start, start + k)]


# -- verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2) -------------------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root that ``proof`` implies for ``leaf`` at ``index`` of a tree of ``size``; None
    when the proof has the wrong shape."""
    if not 0 <= index < size or any(len(p) != 32 for p in proof):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    return len(leaf) == 32 and root_from_inclusion(index, size, leaf, proof) == root


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> bool:
    if size1 < 0 or size2 < size1 or any(len(p) != 32 for p in proof):
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 a power of two: the old root is the first node
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def _proof_length(index: int, size: int) -> int:
    """How many hashes an inclusion proof of ``index`` in a tree of ``size`` has."""
    fn, sn, n = index, size - 1, 0
    while sn:
        if not fn & 1 and fn == sn:
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        n += 1
        fn, sn = fn >> 1, sn >> 1
    return n


def verify_inclusions(size: int, root: bytes, items: Sequence[tuple[int, bytes, Sequence[bytes]]]) -> list[bool]:
    """``verify_inclusion`` for many leaves of one tree, sharing work.  Every node a verified
    proof passed through is remembered (keyed by level and index) with the proof hash used
    there; a later proof that reaches a known node with the same value only has to match the
    remembered hashes from there up (no more hashing).  A different value fails at once."""
    known: dict[tuple[int, int], tuple[bytes, bytes | None, tuple[int, int] | None]] = {}
    results = []
    for index, leaf, proof in items:
        if (not 0 <= index < size or len(leaf) != 32 or len(proof) != _proof_length(index, size)
                or any(len(p) != 32 for p in proof)):
            results.append(False)
            continue
        fn, sn, r, level, trail, ok = index, size - 1, leaf, 0, [], None
        for j, p in enumerate(proof):
            seen = known.get((level, fn))
            if seen is not None:
                ok = seen[0] == r and _rest_matches(known, (level, fn), proof[j:])
                break
            trail.append(((level, fn), r, p))
            if fn & 1 or fn == sn:
                r = node_hash(p, r)
                if not fn & 1:
                    while fn and not fn & 1:
                        fn, sn, level = fn >> 1, sn >> 1, level + 1
            else:
                r = node_hash(r, p)
            fn, sn, level = fn >> 1, sn >> 1, level + 1
        if ok is None:
            seen = known.get((level, fn))
            ok = (seen[0] == r and seen[1] is None) if seen is not None else (sn == 0 and r == root)
            if ok:
                known[(level, fn)] = (r, None, None)
        if ok:  # (level, fn) is now the node where this proof met the root or a known node
            nxt = [key for key, _, _ in trail[1:]] + [(level, fn)]
            for (key, value, p), following in zip(trail, nxt):
                known[key] = (value, p, following)
        results.append(ok)
    return results


def _rest_matches(known, key, rest) -> bool:
    """The remaining proof hashes are those already verified from ``key`` to the root."""
    for p in rest:
        entry = known.get(key)
        if entry is None or entry[1] != p:
            return False
        key = entry[2]
    entry = known.get(key) if key is not None else None
    return entry is not None and entry[1] is None
