"""The Merkle tree over the audit log, in the style of RFC 6962 / RFC 9162 (section 2.1).

Leaf hash = SHA-256(0x00 || event's canonical bytes); interior = SHA-256(0x01 || left || right);
the empty tree's root is SHA-256("").  Pure functions: ``tools/verify_dossier.py`` carries a copy
of the ``verify_*`` functions so that it runs without this application (the tests hold both to
the same vectors).
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
        level, sha256 = self.levels[0], hashlib.sha256  # node_hash, inlined: the log is long
        while len(level) > 1:
            level = [sha256(b"\x01" + left + right).digest()
                     for left, right in zip(level[::2], level[1::2], strict=False)]
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


def verify_inclusions(size: int, root: bytes, items: Sequence[tuple[int, bytes, Sequence[bytes] | bytes]]) -> list[bool]:
    """``verify_inclusion`` for many leaves of one tree, sharing work.  A proof is a list of
    32-byte hashes or those hashes concatenated.  For each level the node where the last
    verified proof passed is remembered with its value and the rest of that proof; a proof
    that reaches the same node with the same value and the same rest is verified without more
    hashing.  (The node is (level, index); every proof in the batch is for the same tree, so the
    walk from there up is the same.)  Leaves in index order meet the previous one's path within
    a level or two, so a case's whole trail costs about two hashes an event."""
    known: list[tuple[int, bytes, bytes, int] | None] = [None] * 65  # level -> (index, value, proof, offset)
    sha256 = hashlib.sha256
    results = []
    for index, leaf, proof in items:
        if isinstance(proof, (bytes, bytearray)):
            raw: bytes | None = bytes(proof)
        else:
            raw = b"".join(proof) if all(len(p) == 32 for p in proof) else None
        if raw is None or len(raw) % 32 or not 0 <= index < size or len(leaf) != 32:
            results.append(False)
            continue
        fn, sn, r, level, at, ok = index, size - 1, leaf, 0, 0, False
        trail = []
        while True:
            seen = known[level]
            if seen is not None and seen[0] == fn:  # a node a verified proof passed through
                ok = seen[1] == r and raw[at:] == seen[2][seen[3]:]
                break
            trail.append((level, fn, r, at))
            if sn == 0:  # the root: the whole proof must be used
                ok = at == len(raw) and r == root
                break
            if at == len(raw):
                break
            p = raw[at:at + 32]
            at += 32
            if fn & 1 or fn == sn:
                r = sha256(b"\x01" + p + r).digest()
                if not fn & 1:
                    while fn and not fn & 1:
                        fn, sn, level = fn >> 1, sn >> 1, level + 1
            else:
                r = sha256(b"\x01" + r + p).digest()
            fn, sn, level = fn >> 1, sn >> 1, level + 1
        if ok:
            for lv, f, value, offset in trail:
                known[lv] = (f, value, raw, offset)
        results.append(ok)
    return results
