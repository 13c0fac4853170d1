"""The Merkle tree against the RFC 6962 known answers (certificate-transparency / transparency-dev
reference vectors) and, for every tree size up to 64, every inclusion and consistency proof."""
from __future__ import annotations

import hashlib

import pytest

from supervision.dossiers import merkle

# The eight leaf inputs of the reference test vectors, and the roots of the trees of size 1..8.
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# (leaf number counted from 1, tree size, expected audit path)
INCLUSION = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def tree_of(n: int) -> merkle.Tree:
    return merkle.Tree([merkle.leaf_hash(x) for x in LEAVES[:n]])


def test_roots_match_the_known_answers():
    assert merkle.Tree([]).root().hex() == EMPTY
    for size in range(1, 9):
        assert tree_of(8).root(size) == ROOTS[size - 1]
        assert tree_of(size).root() == ROOTS[size - 1]


@pytest.mark.parametrize("leaf,size,path", INCLUSION)
def test_inclusion_proofs_match_the_known_answers(leaf, size, path):
    proof = tree_of(8).inclusion_proof(leaf - 1, size)
    assert [p.hex() for p in proof] == path
    assert merkle.verify_inclusion(leaf - 1, size, merkle.leaf_hash(LEAVES[leaf - 1]), proof, ROOTS[size - 1])


@pytest.mark.parametrize("size1,size2,path", CONSISTENCY)
def test_consistency_proofs_match_the_known_answers(size1, size2, path):
    proof = tree_of(8).consistency_proof(size1, size2)
    assert [p.hex() for p in proof] == path
    assert merkle.verify_consistency(size1, size2, proof, ROOTS[size1 - 1], ROOTS[size2 - 1])


def test_trivial_consistency_cases():
    r1, r2 = b"\x01" * 32, b"\x02" * 32
    assert merkle.verify_consistency(0, 0, [], r1, r1)
    assert merkle.verify_consistency(0, 5, [], r1, r2)
    assert merkle.verify_consistency(3, 3, [], r2, r2)
    assert not merkle.verify_consistency(3, 3, [], r1, r2)        # same size, other root
    assert not merkle.verify_consistency(2, 1, [], r1, r2)        # time travel
    assert not merkle.verify_consistency(1, 2, [], r1, r2)        # empty proof
    assert not merkle.verify_consistency(1, 1, [r1], r1, r1)      # proof where none is due


def corrupted_inclusion(index, size, proof, root, leaf):
    """The corruptions of the reference test suite; none of them may verify."""
    probes = [
        (index - 1, size, leaf, proof, root), (index + 1, size, leaf, proof, root),
        (index ^ 2, size, leaf, proof, root), (index, size * 2, leaf, proof, root),
        (index, size // 2, leaf, proof, root), (index, size, b"WrongLeaf", proof, root),
        (index, size, leaf, proof, bytes.fromhex(EMPTY)), (index, size, leaf, proof, SOME_HASH),
        (index, size, leaf, proof + [b""], root), (index, size, leaf, proof + [root], root),
        (index, size, leaf, [b""] + proof, root), (index, size, leaf, [root] + proof, root),
    ]
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        probes.append((index, size, leaf, bad, root))
    if proof:
        probes.append((index, size, leaf, proof[:-1], root))
    if len(proof) > 1:
        probes.append((index, size, leaf, [proof[0], SOME_HASH] + proof[1:], root))
    return probes


def corrupted_consistency(size1, size2, proof, root1, root2):
    probes = [
        (size1 - 1, size2, proof, root1, root2), (size1 + 1, size2, proof, root1, root2),
        (size1 ^ 2, size2, proof, root1, root2), (size1, size2 * 2, proof, root1, root2),
        (size1, size2 // 2, proof, root1, root2), (size1, size2, proof, b"WrongRoot", root2),
        (size1, size2, proof, root1, b"WrongRoot"), (size1, size2, proof, root2, root1),
        (size1, size2, [], root1, root2), (size1, size2, proof + [b""], root1, root2),
        (size1, size2, proof + [root1], root1, root2), (size1, size2, proof + [root2], root1, root2),
        (size1, size2, [b""] + proof, root1, root2), (size1, size2, [root1] + proof, root1, root2),
        (size1, size2, [root2] + proof, root1, root2), (size1, size2, [proof[0]] + proof, root1, root2),
        (size1, size2, proof[:-1], root1, root2),
    ]
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
        probes.append((size1, size2, bad, root1, root2))
    return probes


def test_every_proof_of_every_tree_up_to_64_leaves_verifies_and_no_corruption_does():
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(64)]
    full = merkle.Tree(leaves)
    checked = rejected = 0
    for size in range(1, 65):
        small = merkle.Tree(leaves[:size])
        root = full.root(size)
        assert small.root() == root == _reference_root(leaves[:size])
        for index in range(size):
            proof = full.inclusion_proof(index, size)
            assert proof == small.inclusion_proof(index)
            assert merkle.verify_inclusion(index, size, leaves[index], proof, root)
            checked += 1
            for probe in corrupted_inclusion(index, size, proof, root, leaves[index]):
                assert not merkle.verify_inclusion(*probe), (index, size, probe)
                rejected += 1
        for old in range(1, size + 1):
            proof = full.consistency_proof(old, size)
            assert merkle.verify_consistency(old, size, proof, full.root(old), root)
            checked += 1
            if proof:
                for probe in corrupted_consistency(old, size, proof, full.root(old), root):
                    assert not merkle.verify_consistency(*probe), (old, size, probe)
                    rejected += 1
    assert checked == 2 * sum(range(1, 65))   # 2,080 inclusion + 2,080 consistency proofs
    assert rejected > 40000


def _reference_root(leaves):
    """RFC 6962 MTH written out recursively, independent of the Tree class."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _reference_root(leaves[:k]) + _reference_root(leaves[k:])).digest()


def test_the_verifier_tool_carries_the_same_verification():
    import tools.verify_dossier as tool

    leaves = [merkle.leaf_hash(bytes([i])) for i in range(13)]
    t = merkle.Tree(leaves)
    for i in range(13):
        assert tool.verify_inclusion(i, 13, leaves[i], t.inclusion_proof(i), t.root())
    for old in range(1, 13):
        assert tool.verify_consistency(old, 13, t.consistency_proof(old), t.root(old), t.root())
        assert not tool.verify_consistency(old, 13, t.consistency_proof(old), t.root(old), SOME_HASH)


@pytest.mark.parametrize("impl", ["app", "tool"])
def test_batch_verification_accepts_every_genuine_proof_and_rejects_each_corrupted_one(impl):
    import tools.verify_dossier as tool

    verify_many = merkle.verify_inclusions if impl == "app" else tool.verify_inclusions
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(64)]
    full = merkle.Tree(leaves)
    for size in range(1, 65):
        root = full.root(size)
        genuine = [(i, leaves[i], full.inclusion_proof(i, size)) for i in range(size)]
        assert verify_many(size, root, genuine) == [True] * size
        for i in range(0, size, 7):
            for bad in corrupted_inclusion(i, size, genuine[i][2], root, leaves[i]):
                idx, sz, leaf, proof, rt = bad
                if (sz, rt) != (size, root):
                    continue  # the batch is for one tree
                batch = genuine[:i] + [(idx, leaf, proof)] + genuine[i + 1:]
                result = verify_many(size, root, batch)
                assert result[i] is False and result.count(False) == 1, (size, i)


@pytest.mark.parametrize("impl", ["app", "tool"])
def test_batch_verification_answers_as_one_by_one_for_any_mix_of_proofs(impl):
    """Shared work never changes an answer: leaves in any order, repeated, next to corrupted
    or swapped proofs (as lists of hashes or one concatenated string) are judged exactly as
    ``verify_inclusion`` judges each alone."""
    import random

    import tools.verify_dossier as tool

    verify_many = merkle.verify_inclusions if impl == "app" else tool.verify_inclusions
    rng = random.Random(6962)
    for size in [1, 2, 3, 5, 8, 13, 64, 100, 257, 1000]:
        leaves = [merkle.leaf_hash(b"%d" % i) for i in range(size)]
        tree = merkle.Tree(leaves)
        root = tree.root()
        proofs = [tree.inclusion_proof(i) for i in range(size)]
        for _round in range(20):
            picks = sorted(rng.sample(range(size), min(size, rng.randint(1, 40))))
            if rng.random() < 0.3:
                rng.shuffle(picks)
            items = []
            for i in picks + rng.choices(picks, k=2):  # a few leaves twice
                leaf, proof = leaves[i], list(proofs[i])
                kind = rng.random()
                if kind < 0.08 and proof:                      # one bit of one hash
                    k = rng.randrange(len(proof))
                    proof[k] = bytes([proof[k][0] ^ 1]) + proof[k][1:]
                elif kind < 0.12:                              # another leaf's proof
                    proof = list(proofs[rng.randrange(size)])
                elif kind < 0.16:                              # another leaf's hash
                    leaf = leaves[rng.randrange(size)]
                elif kind < 0.19 and proof:                    # one hash short
                    proof = proof[:-1]
                elif kind < 0.22:                              # one hash too many
                    proof = proof + [root]
                items.append((i, leaf, b"".join(proof) if rng.random() < 0.5 else proof))
            expected = [merkle.verify_inclusion(i, size, leaf, [bytes(p[k:k + 32]) for k in range(0, len(p), 32)]
                                                if isinstance(p, bytes) else p, root)
                        for i, leaf, p in items]
            assert verify_many(size, root, items) == expected, (size, picks)
            assert True in expected
