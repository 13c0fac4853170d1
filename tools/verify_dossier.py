#!/usr/bin/env python3
"""Verify a case dossier exported by the supervision platform, offline.

    python3 tools/verify_dossier.py DOSSIER.zip --public-key KEY [--trusted-checkpoint FILE]
                                    [--origin ORIGIN]

Needs only the Python standard library and ``cryptography``: no database, no application code.
KEY is the checkpoint verifier key published on the platform's transparency page
(``<origin>+<key hash>+<base64 key>``), or an Ed25519 public key in PEM together with
``--origin``.  FILE is the newest signed checkpoint the auditor has seen before (the text from
``/transparency/checkpoint``).

Checks: the archive is safe to open (no ``..``, absolute paths, links, duplicate names, absurd
sizes or compression ratios; nothing is written outside a temporary folder); the BagIt
manifests; the checkpoint's Ed25519 signature and origin; the case's hash chain (each event's
hash is the SHA-256 of its line, each ``prev_case_hash`` the previous event's hash); an
RFC 6962 inclusion proof of every event against the checkpoint; the attachments and decisions
against their hashes and the audit trail; that replaying the recorded transitions through the
recorded workflow table reaches the recorded state; and, given a trusted checkpoint, that the
dossier's checkpoint is not older and is consistent with it.

Exit status: 0 verified (a summary is printed); 1 verification failures (each one named);
2 the archive was refused as unsafe or could not be read.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

GENESIS = "0" * 64
MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 8 * 1024**3
MAX_RATIO = 200            # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
HEX64 = re.compile(r"[0-9a-f]{64}")
HEX64_WORD = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
REQUIRED_PAYLOAD = ("data/case.json", "data/events.jsonl", "data/proofs.json",
                    "data/checkpoint.txt", "data/workflow.json", "data/consistency.json",
                    "data/documents.json", "data/decisions.json")


class Unsafe(Exception):
    """The archive is refused before anything is extracted."""


# -- RFC 6962 / RFC 9162 Merkle verification (a copy of supervision/dossiers/merkle.py) -------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(data: bytes) -> bytes:
    return _sha(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha(b"\x01" + left + right)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof) -> bytes | None:
    if not 0 <= index < size or any(len(p) != 32 for p in proof):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _sha(b"\x01" + p + r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof, root: bytes) -> bool:
    return len(leaf) == 32 and root_from_inclusion(index, size, leaf, proof) == root


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


def verify_consistency(size1: int, size2: int, proof, root1: bytes, root2: bytes) -> bool:
    if size1 < 0 or size2 < size1 or any(len(p) != 32 for p in proof):
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
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


# -- signed-note checkpoints ---------------------------------------------------------------------


@dataclass
class VerifierKey:
    name: str
    key_hash: bytes
    key: Ed25519PublicKey


@dataclass
class Checkpoint:
    origin: str
    tree_size: int
    root: bytes
    timestamp: str


def load_key(path: str, origin: str | None) -> VerifierKey:
    data = _read(path)
    if b"-----BEGIN" in data:
        if not origin:
            raise ValueError("a PEM key needs --origin (the log's name)")
        key = load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        raw = key.public_bytes_raw()
        return VerifierKey(origin, _key_hash(origin, raw), key)
    text = data.decode("utf-8").strip()
    name, hash_hex, b64 = text.split("+", 2)  # the name has no "+"; base64 may
    blob = base64.b64decode(b64, validate=True)
    if len(blob) != 33 or blob[0] != 1:
        raise ValueError("the verifier key is not an Ed25519 note key")
    if _key_hash(name, blob[1:]) != bytes.fromhex(hash_hex):
        raise ValueError("the verifier key's hash does not match its name and key")
    if origin and origin != name:
        raise ValueError(f"the key is for {name!r}, not for --origin {origin!r}")
    return VerifierKey(name, bytes.fromhex(hash_hex), Ed25519PublicKey.from_public_bytes(blob[1:]))


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _key_hash(name: str, raw: bytes) -> bytes:
    return _sha(name.encode() + b"\n" + b"\x01" + raw)[:4]


DECIMAL = re.compile(r"(?:0|[1-9][0-9]{0,19})\Z", re.ASCII)
B64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z", re.ASCII)
MAX_SIGNATURES = 100


def _b64_strict(text: str) -> bytes | None:
    """Standard, padded base64 in its one canonical spelling (no spare bits set), else None."""
    if not B64.match(text):
        return None
    raw = base64.b64decode(text, validate=True)
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def _valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def open_checkpoint(note: bytes, vkey: VerifierKey, what: str) -> tuple[Checkpoint | None, list[str]]:
    """Parse and check a signed note; returns (checkpoint, failures).

    Strict, as C2SP signed-note and tlog-checkpoint require: UTF-8 without control characters
    other than newline; every line ends in a newline; a non-empty body without blank lines, one
    blank line, then only signature lines ``— <name> <base64>``; the tree size in ASCII decimal
    without leading zeros; base64 in its canonical, padded spelling.  Anything else is refused
    (a note is not "repaired" into one that verifies)."""
    try:
        text = note.decode("utf-8")
    except UnicodeDecodeError:
        return None, [f"{what}: not UTF-8 text"]
    if any((ord(c) < 0x20 and c != "\n") or ord(c) == 0x7F for c in text):
        return None, [f"{what}: control characters in the note"]
    body, sep, sigs = text.partition("\n\n")
    if not sep or not body or not sigs.endswith("\n"):
        return None, [f"{what}: not a signed note"]
    body += "\n"
    lines = body.split("\n")[:-1]
    if len(lines) < 3 or any(not ln for ln in lines) or not DECIMAL.match(lines[1]):
        return None, [f"{what}: malformed checkpoint body"]
    root = _b64_strict(lines[2])
    if root is None:
        return None, [f"{what}: malformed root"]
    sig_lines = sigs[:-1].split("\n")
    parsed = []
    for line in sig_lines:
        parts = line.split(" ")
        blob = _b64_strict(parts[2]) if len(parts) == 3 and parts[0] == "\u2014" else None
        if blob is None or not _valid_key_name(parts[1]) or len(blob) < 5:
            return None, [f"{what}: malformed signature line"]
        parsed.append((parts[1], blob))
    if len(parsed) > MAX_SIGNATURES:
        return None, [f"{what}: too many signatures"]
    stamp = next((ln[len("Timestamp: "):] for ln in lines[3:] if ln.startswith("Timestamp: ")), "")
    cp = Checkpoint(lines[0], int(lines[1]), root, stamp)
    failures = []
    if cp.origin != vkey.name:
        failures.append(f"{what}: foreign checkpoint: origin {cp.origin!r} is not the trusted log {vkey.name!r}")
    signed = False
    for name, blob in parsed:
        if name != vkey.name or blob[:4] != vkey.key_hash:
            continue  # a signature by another key is ignored, as the format requires
        try:
            if len(blob) != 68:
                raise InvalidSignature
            vkey.key.verify(blob[4:], body.encode("utf-8"))
            signed = True
        except InvalidSignature:
            failures.append(f"{what}: the signature by {name!r} does not verify")
    if not signed and not any("does not verify" in f for f in failures):
        failures.append(f"{what}: not signed by the trusted checkpoint key {vkey.name}")
    if len(root) != 32:
        failures.append(f"{what}: root is not a SHA-256 hash")
    return cp, failures


# -- a safe look inside the archive -----------------------------------------------------------


def safe_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """All regular files of the archive, or ``Unsafe`` naming the first problem."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Unsafe(f"{len(infos)} entries (more than {MAX_MEMBERS})")
    seen: set[str] = set()
    total, files = 0, []
    for info in infos:
        name = info.filename
        if "\x00" in name or "\\" in name:
            raise Unsafe(f"entry {name!r}: forbidden character in name")
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
            raise Unsafe(f"entry {name!r}: absolute path")
        parts = name.rstrip("/").split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise Unsafe(f"entry {name!r}: path with '..', '.' or empty parts")
        key = name.rstrip("/").casefold()
        if key in seen:
            raise Unsafe(f"entry {name!r}: duplicate name")
        seen.add(key)
        mode = info.external_attr >> 16
        if info.flag_bits & 0x1:
            raise Unsafe(f"entry {name!r}: encrypted")
        if info.is_dir():
            continue
        if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            kind = "symbolic link" if stat.S_ISLNK(mode) else "special file"
            raise Unsafe(f"entry {name!r}: {kind}")
        if info.file_size > MAX_MEMBER_BYTES:
            raise Unsafe(f"entry {name!r}: {info.file_size} bytes is too large")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Unsafe(f"entry {name!r}: compression ratio above {MAX_RATIO}")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise Unsafe(f"archive expands to more than {MAX_TOTAL_BYTES} bytes")
        files.append(info)
    # A file may not also be a folder of another entry ("a" and "a/b").
    folders = {other[:i] for other in seen for i, ch in enumerate(other) if ch == "/"}
    for info in files:
        if info.filename.casefold() in folders:
            raise Unsafe(f"entry {info.filename!r}: both a file and a folder")
    return files


# Files that are only ever checked by their hash: read from the archive and hashed, not written.
HASH_ONLY = ("data/attachments/", "data/decisions/")


def extract(zf: zipfile.ZipFile, files: list[zipfile.ZipInfo], root: str,
            digests: dict[str, str] | None = None, sizes: dict[str, int] | None = None) -> dict[str, str]:
    """Copy regular files into ``root`` (never following links, never outside), checking the
    real size against the declared one.  Returns name -> path; ``digests`` receives each
    file's SHA-256 (hex), computed while it is copied (so no file is read twice), and ``sizes``
    its real size in bytes.  With
    ``digests``, attachments and decisions (``HASH_ONLY``) are hashed but not written: their
    paths are named, not created."""
    out: dict[str, str] = {}
    real_root = os.path.realpath(root)
    for info in files:
        target = os.path.realpath(os.path.join(real_root, *info.filename.split("/")))
        if os.path.commonpath([target, real_root]) != real_root:
            raise Unsafe(f"entry {info.filename!r}: leaves the folder")
        dst = None
        if digests is None or not info.filename.startswith(HASH_ONLY):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            dst = os.fdopen(fd, "wb")
        written, digest = 0, hashlib.sha256()
        with zf.open(info) as src:
            try:
                while True:
                    chunk = src.read(1 << 20)
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > info.file_size:
                        raise Unsafe(f"entry {info.filename!r}: larger than declared")
                    if dst is not None:
                        dst.write(chunk)
                    digest.update(chunk)
            finally:
                if dst is not None:
                    dst.close()
        out[info.filename] = target
        if digests is not None:
            digests[info.filename] = digest.hexdigest()
        if sizes is not None:
            sizes[info.filename] = written
    return out


# -- the checks ----------------------------------------------------------------------------


@dataclass
class Result:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(message)


def _file_sha(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sha_of(files: dict[str, str], digests: dict[str, str], name: str) -> str:
    return digests[name] if name in digests else _file_sha(files[name])


def _read_manifest(path: str, res: Result, label: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh.read().decode("utf-8", "replace").splitlines(), start=1):
            if not raw.strip():
                continue
            digest, _, name = raw.partition("  ")
            if not HEX64.fullmatch(digest) or not name:
                res.fail(f"{label} line {n}: malformed")
                continue
            if name in entries:
                res.fail(f"{label}: {name} listed twice")
            entries[name] = digest
    return entries


def check_bag(files: dict[str, str], res: Result, digests: dict[str, str],
              sizes: dict[str, int] | None = None) -> None:
    for tag in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        if tag not in files:
            res.fail(f"bag: {tag} is missing")
    if res.failures:
        return
    if not _read(files["bagit.txt"]).startswith(b"BagIt-Version: 1.0"):
        res.fail("bag: bagit.txt does not declare BagIt 1.0")
    tags = _read_manifest(files["tagmanifest-sha256.txt"], res, "tagmanifest-sha256.txt")
    for tag in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
        if tag not in tags:
            res.fail(f"bag: tagmanifest-sha256.txt does not list {tag}")
    for name, digest in tags.items():
        if name not in files:
            res.fail(f"bag: {name} (in the tag manifest) is missing")
        elif _sha_of(files, digests, name) != digest:
            res.fail(f"bag: {name} does not match the tag manifest")
    manifest = _read_manifest(files["manifest-sha256.txt"], res, "manifest-sha256.txt")
    payload = {n for n in files if n.startswith("data/")}
    for name, digest in manifest.items():
        if name not in files:
            res.fail(f"bag: {name} (in the manifest) is missing")
        elif _sha_of(files, digests, name) != digest:
            res.fail(f"bag: {name} does not match the manifest")
    for name in sorted(payload - set(manifest)):
        res.fail(f"bag: {name} is not in the manifest")
    others = set(files) - payload - {"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                                     "tagmanifest-sha256.txt"}
    for name in sorted(others):
        if name not in tags:
            res.fail(f"bag: unexpected file {name}")
    info = bag_info(files)
    oxum = info.get("Payload-Oxum")
    if oxum:
        sizes = sizes or {}
        octets = sum(sizes[n] if n in sizes else os.path.getsize(files[n]) for n in payload)
        if oxum != f"{octets}.{len(payload)}":
            res.fail(f"bag: Payload-Oxum {oxum} does not match the payload ({octets}.{len(payload)})")


def bag_info(files: dict[str, str]) -> dict[str, str]:
    out = {}
    if "bag-info.txt" in files:
        for line in _read(files["bag-info.txt"]).decode("utf-8", "replace").splitlines():
            key, sep, value = line.partition(":")
            if sep:
                out[key.strip()] = value.strip()
    return out


def _load_json(files: dict[str, str], name: str, res: Result):
    try:
        with open(files[name], "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError) as err:
        res.fail(f"{name}: unreadable ({err.__class__.__name__})")
        return None


@dataclass
class Event:
    line: bytes
    hash: str
    doc: dict


_DECODE = json.JSONDecoder().raw_decode


def _json_line(text: str):
    """``json.loads(text)``, by the decoder directly for the usual line (a third faster)."""
    try:
        doc, end = _DECODE(text)
        if end == len(text):
            return doc
    except ValueError:
        pass
    return json.loads(text)


def check_chain(files: dict[str, str], case: dict, res: Result) -> list[Event]:
    with open(files["data/events.jsonl"], "rb") as fh:
        data = fh.read()
    if data and not data.endswith(b"\n"):
        res.fail("events.jsonl: the last line is not terminated")
    lines = data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n")
    events: list[Event] = []
    prev_hash, prev_seq = GENESIS, 0
    for n, line in enumerate(lines, start=1):
        digest = hashlib.sha256(line).hexdigest()
        try:
            doc = _json_line(line.decode("utf-8"))
            seq = doc["seq"]
            if not isinstance(doc, dict) or not isinstance(seq, int):
                raise ValueError
        except (ValueError, KeyError, TypeError):  # UnicodeDecodeError is a ValueError
            res.fail(f"events.jsonl line {n}: not an audit event")
            prev_hash = digest
            continue
        if seq <= prev_seq:
            res.fail(f"event {seq}: out of order (after event {prev_seq})")
        if doc.get("case_id") != case.get("id"):
            res.fail(f"event {seq}: belongs to case {doc.get('case_id')}, not {case.get('id')}")
        if doc.get("prev_case_hash") != prev_hash:
            what = "the case's first event" if prev_hash == GENESIS else f"event {prev_seq}"
            res.fail(f"event {seq}: case chain broken: its previous-event hash is not that of "
                     f"{what} (an event was altered, deleted or reordered)")
        events.append(Event(line, digest, doc))
        prev_hash, prev_seq = digest, max(prev_seq, seq)
    if not events:
        res.fail("events.jsonl: no events")
    return events


def check_proofs(files: dict[str, str], events: list[Event], cp: Checkpoint, res: Result) -> int:
    proofs = _load_json(files, "data/proofs.json", res)
    if proofs is None:
        return 0
    if proofs.get("tree_size") != cp.tree_size or proofs.get("root_hash") != cp.root.hex():
        res.fail("proofs.json: not made against the dossier's checkpoint")
    by_seq = {p.get("seq"): p for p in proofs.get("proofs", []) if isinstance(p, dict)}
    items, checked = [], []
    for ev in events:
        seq = ev.doc.get("seq")
        p = by_seq.get(seq)
        if p is None:
            res.fail(f"event {seq}: no inclusion proof")
            continue
        try:
            path = bytes.fromhex(p["path"])  # the audit path's hashes, concatenated
        except (ValueError, TypeError, KeyError):
            path = b"?"
        if len(path) % 32:
            res.fail(f"event {seq}: malformed inclusion proof")
            continue
        if p.get("leaf_index") != seq - 1:
            res.fail(f"event {seq}: the proof is for leaf {p.get('leaf_index')}, not {seq - 1}")
            continue
        items.append((seq - 1, leaf_hash(ev.line), path))
        checked.append(seq)
    ok = 0
    for seq, good in zip(checked, verify_inclusions(cp.tree_size, cp.root, items), strict=False):
        if good:
            ok += 1
        else:
            res.fail(f"event {seq}: not in the audit log at the checkpoint (inclusion proof fails)")
    return ok


def check_export_anchor(files: dict[str, str], events: list[Event], res: Result) -> None:
    """The export's own ``export.start`` event must be in the chain: events cannot have been
    cut off the end of the case's history before it."""
    ident = bag_info(files).get("External-Identifier", "")
    if not ident.startswith("job-") or not ident[4:].isdigit():
        res.fail("bag-info.txt: no export identifier")
        return
    job_id = int(ident[4:])
    for ev in events:
        if ev.doc.get("action") == "export.start":
            try:
                details = json.loads(ev.doc.get("details") or "{}")
            except ValueError:
                continue
            if details.get("job_id") == job_id:
                return
    res.fail(f"the export's own event (export.start of job {job_id}) is missing from the trail")


def check_replay(files: dict[str, str], events: list[Event], case: dict, res: Result) -> None:
    wf = _load_json(files, "data/workflow.json", res)
    if wf is None:
        return
    if (wf.get("name"), wf.get("version")) != (case.get("workflow"), case.get("workflow_version")):
        res.fail("workflow.json: not the case's workflow and version")
    rows: dict[tuple[str, str], set[str]] = {}
    for t in wf.get("transitions", []):
        for src in t.get("source", []):
            rows.setdefault((t.get("trigger"), src), set()).add(t.get("dest"))
    state = wf.get("initial")
    for ev in events:
        d = ev.doc
        seq = d.get("seq")
        if d.get("action") == "case.create":
            if d.get("to_state") != wf.get("initial"):
                res.fail(f"event {seq}: the case was created in {d.get('to_state')!r}, "
                         f"not the workflow's initial state {wf.get('initial')!r}")
            state = d.get("to_state")
            continue
        trigger = d.get("trigger")
        if not trigger:
            continue
        if (d.get("workflow"), d.get("workflow_version")) != (wf.get("name"), wf.get("version")):
            res.fail(f"event {seq}: fired under workflow {d.get('workflow')} v{d.get('workflow_version')}")
        if d.get("from_state") != state:
            res.fail(f"event {seq}: {trigger!r} fired from {d.get('from_state')!r}, but the replay "
                     f"is in {state!r}")
        if d.get("to_state") not in rows.get((trigger, state), set()):
            res.fail(f"event {seq}: the workflow has no transition {trigger!r} from {state!r} "
                     f"to {d.get('to_state')!r}")
        state = d.get("to_state")
    if state != case.get("state"):
        res.fail(f"replay: the recorded transitions end in {state!r}, but the case is recorded "
                 f"in {case.get('state')!r}")


def check_files(files: dict[str, str], events: list[Event], res: Result,
                digests: dict[str, str]) -> tuple[int, int]:
    # Every SHA-256 the trail mentions, as whole hex words (one pass, not a search per file).
    recorded = set(HEX64_WORD.findall("\n".join(str(ev.doc.get("details") or "") for ev in events)))
    counts = []
    for listing, folder in (("data/documents.json", "data/attachments/"), ("data/decisions.json", "data/decisions/")):
        entries = _load_json(files, listing, res) or []
        listed = set()
        for e in entries:
            digest, path = e.get("sha256", ""), "data/" + str(e.get("path", ""))
            listed.add(path)
            if not HEX64.fullmatch(digest or "") or not path.startswith(folder) or digest not in path:
                res.fail(f"{listing}: entry {e.get('id')} is not named by its hash")
                continue
            if path not in files:
                res.fail(f"{path}: missing")
            elif _sha_of(files, digests, path) != digest:
                res.fail(f"{path}: its content does not have the hash it is named by (replaced)")
            if digest not in recorded:
                res.fail(f"{path}: its hash is not recorded in the case's audit trail")
        for name in files:
            if name.startswith(folder) and name not in listed:
                res.fail(f"{name}: not listed in {listing}")
        counts.append(len(entries))
    return counts[0], counts[1]


def check_trusted(files: dict[str, str], cp: Checkpoint, trusted: Checkpoint, res: Result) -> str:
    if trusted.tree_size > cp.tree_size:
        res.fail(f"checkpoint: the dossier's checkpoint (tree size {cp.tree_size}) is older than "
                 f"the trusted one (tree size {trusted.tree_size})")
        return ""
    if trusted.tree_size == cp.tree_size:
        if trusted.root != cp.root:
            res.fail("checkpoint: same tree size as the trusted checkpoint but a different root "
                     "(the log was forked)")
        return f"same as the trusted checkpoint (tree size {cp.tree_size})"
    proofs = _load_json(files, "data/consistency.json", res) or []
    for entry in proofs:
        if entry.get("tree_size") == trusted.tree_size:
            try:
                path = [bytes.fromhex(h) for h in entry.get("proof", [])]
            except (ValueError, TypeError):
                break
            if verify_consistency(trusted.tree_size, cp.tree_size, path, trusted.root, cp.root):
                return f"consistent with the trusted checkpoint (tree size {trusted.tree_size})"
            break
    res.fail(f"checkpoint: not proven consistent with the trusted checkpoint (tree size "
             f"{trusted.tree_size}): the log was rewritten, or the proof is missing")
    return ""


def verify(zip_path: str, vkey: VerifierKey, trusted_note: bytes | None = None) -> Result:
    res = Result()
    with tempfile.TemporaryDirectory(prefix="dossier-") as tmp:
        try:
            with zipfile.ZipFile(zip_path) as zf:
                members = safe_members(zf)
                digests: dict[str, str] = {}
                sizes: dict[str, int] = {}
                files = extract(zf, members, tmp, digests, sizes)
        except zipfile.BadZipFile as err:
            raise Unsafe(f"not a ZIP archive ({err})") from err
        check_bag(files, res, digests, sizes)
        missing = [n for n in REQUIRED_PAYLOAD if n not in files]
        for name in missing:
            res.fail(f"{name}: missing")
        if missing:
            return res
        case = _load_json(files, "data/case.json", res) or {}
        with open(files["data/checkpoint.txt"], "rb") as fh:
            cp, cp_failures = open_checkpoint(fh.read(), vkey, "checkpoint")
        res.failures.extend(cp_failures)
        events = check_chain(files, case, res)
        proven = 0
        if cp is not None:
            for ev in events:
                if ev.doc.get("seq", 0) > cp.tree_size:
                    res.fail(f"event {ev.doc.get('seq')}: newer than the checkpoint")
            proven = check_proofs(files, events, cp, res)
        check_export_anchor(files, events, res)
        check_replay(files, events, case, res)
        n_docs, n_decisions = check_files(files, events, res, digests)
        trusted_text = ""
        if trusted_note is not None and cp is not None:
            trusted, t_failures = open_checkpoint(trusted_note, vkey, "trusted checkpoint")
            res.failures.extend(t_failures)
            if trusted is not None and not t_failures:
                trusted_text = check_trusted(files, cp, trusted, res)
        if cp is not None:
            res.notes.append(f"dossier of case {case.get('number')} (state {case.get('state')!r})")
            res.notes.append(f"{len(events)} events, case chain checked; {proven} inclusion proofs "
                             f"verified against checkpoint tree size {cp.tree_size}, root "
                             f"{cp.root.hex()} ({cp.timestamp}), signed for {cp.origin}")
            res.notes.append(f"{n_docs} documents and {n_decisions} decisions match their hashes")
            res.notes.append(f"replaying the transitions through {case.get('workflow')} "
                             f"v{case.get('workflow_version')} reaches {case.get('state')!r}")
            if trusted_text:
                res.notes.append(trusted_text)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Verify a case dossier offline.")
    ap.add_argument("dossier")
    ap.add_argument("--public-key", required=True, help="checkpoint verifier key (or PEM with --origin)")
    ap.add_argument("--trusted-checkpoint", help="the newest signed checkpoint seen before")
    ap.add_argument("--origin", help="the log's origin (required with a PEM key)")
    args = ap.parse_args(argv)
    try:
        vkey = load_key(args.public_key, args.origin)
        trusted = _read(args.trusted_checkpoint) if args.trusted_checkpoint else None
    except (OSError, ValueError) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    try:
        res = verify(args.dossier, vkey, trusted)
    except Unsafe as err:
        print(f"REFUSED: unsafe archive: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    if res.failures:
        for f in res.failures:
            print(f"FAIL: {f}")
        print(f"NOT VERIFIED: {len(res.failures)} problem(s)")
        return 1
    for note in res.notes:
        print(f"ok: {note}")
    print("VERIFIED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
