"""Making and reading checkpoints: the signed (size, root) of the whole audit log.

A checkpoint is made at each export, by ``flask audit checkpoint``, and periodically
(``due_checkpoint``, every ``CHECKPOINT_INTERVAL_MINUTES`` once the log has grown; run by the
job runner's timer or by ``rq cron``).  It never goes backwards: the new tree must contain the
previous checkpoint's tree unchanged (its root is recomputed from today's events), so a log
rewritten after a checkpoint is refused, not signed.  Writers of checkpoints are serialised in
the database (an advisory lock on PostgreSQL, the write lock on SQLite) until the transaction
that signs ends, so processes that try at once sign each tree size once, in order.  These
functions flush; whoever calls them commits (``flask audit checkpoint``, the periodic task, the
export job), and should do so soon: the lock is held until then.  The signing key is used for
nothing else.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding, NoEncryption, PrivateFormat, load_pem_private_key,
)
from flask import current_app

from supervision.audit import verify
from supervision.audit.models import AuditEvent
from supervision.core.database import lock_for_writing
from supervision.core.timeutil import iso_z, utcnow
from supervision.dossiers import merkle, notes
from supervision.dossiers.models import Checkpoint
from supervision.extensions import db

_PG_LOCK_KEY = 0x434B5054  # "CKPT": serialises checkpoint writers on PostgreSQL


class CheckpointRefused(Exception):
    """The log no longer matches a signed checkpoint: it was altered; nothing is signed."""


# -- the key -----------------------------------------------------------------------------------


def key_path() -> Path:
    configured = current_app.config.get("CHECKPOINT_KEY_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "keys" / "checkpoint-ed25519.pem"


def signing_key() -> Ed25519PrivateKey:
    """The checkpoint key; created (mode 0600) at first use unless configured and missing."""
    path = key_path()
    if not path.exists():
        if current_app.config.get("CHECKPOINT_KEY_PATH") and current_app.config.get("ENV_NAME") == "production":
            raise RuntimeError(f"checkpoint key {path} is missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; use theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} is not an Ed25519 key")
    return key


def origin() -> str:
    configured = current_app.config.get("CHECKPOINT_ORIGIN")
    if configured:
        return configured
    host = urlsplit(current_app.config.get("PUBLIC_BASE_URL", "")).netloc or "localhost"
    return f"{host}/supervision/audit-log"


def verifier_key() -> str:
    return notes.verifier_key(origin(), signing_key().public_key())


def public_key_pem() -> str:
    from cryptography.hazmat.primitives.serialization import PublicFormat

    return signing_key().public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


# -- the tree ----------------------------------------------------------------------------------


def leaf_hashes(size: int | None = None, batch: int = 5000) -> list[bytes]:
    """Leaf hashes of events 1..size (all events if None), in log order."""
    stmt = db.select(AuditEvent.seq, AuditEvent.canonical).order_by(AuditEvent.seq)
    if size is not None:
        stmt = stmt.where(AuditEvent.seq <= size)
    leaves: list[bytes] = []
    append, sha256 = leaves.append, hashlib.sha256  # merkle.leaf_hash, inlined: the log is long
    with db.session.execute(stmt.execution_options(yield_per=batch)) as rows:  # closes the cursor
        for seq, canonical in rows:
            if seq != len(leaves) + 1:  # leaf i is event i + 1: a gap means a deleted event
                raise CheckpointRefused(f"event {len(leaves) + 1} is missing from the log")
            append(sha256(b"\x00" + canonical.encode("utf-8")).digest())
    return leaves


def log_tree(size: int | None = None) -> merkle.Tree:
    return merkle.Tree(leaf_hashes(size))


def latest() -> Checkpoint | None:
    return db.session.execute(
        db.select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1)).scalar()


def log_size() -> int:
    return db.session.execute(db.select(db.func.max(AuditEvent.seq))).scalar() or 0


def make_checkpoint() -> tuple[Checkpoint, merkle.Tree]:
    """Sign the current log (or return the newest checkpoint if the log has not grown)."""
    cp, tree = _signed(None)
    if tree is None:  # pragma: no cover - _signed(None) always builds the tree
        raise RuntimeError("no tree for the new checkpoint")
    return cp, tree


def due_checkpoint(interval: dt.timedelta, now: dt.datetime | None = None) -> Checkpoint | None:
    """The periodic checkpoint: sign the log if it has grown since the newest checkpoint and
    that one is at least ``interval`` old; None when nothing is due.  Decided again under the
    writers' lock, so processes calling this at the same moment make one checkpoint."""
    def due(previous: Checkpoint | None) -> bool:
        if previous is None:
            return log_size() > 0
        return previous.timestamp <= (now or utcnow()) - interval and log_size() > previous.tree_size

    cp, tree = _signed(due)
    return cp if tree is not None else None


def periodic() -> Checkpoint | None:
    """The periodic task (``jobs.periodic``): a checkpoint once the newest is
    ``CHECKPOINT_INTERVAL_MINUTES`` old and the log has grown."""
    minutes = float(current_app.config.get("CHECKPOINT_INTERVAL_MINUTES") or 0)
    return due_checkpoint(dt.timedelta(minutes=minutes)) if minutes > 0 else None


def periodic_check_seconds(app) -> float:
    """How often the periodic task looks (at most every 5 minutes); 0 when switched off."""
    minutes = float(app.config.get("CHECKPOINT_INTERVAL_MINUTES") or 0)
    return min(minutes * 60, 300.0) if minutes > 0 else 0.0


def _signed(due) -> tuple[Checkpoint | None, merkle.Tree | None]:
    """Under the writers' lock: the newest checkpoint as it is, and a new one after it when
    the log grew (and ``due`` agrees).  Nothing is written when ``CheckpointRefused`` is raised."""
    _lock_writers()
    previous = latest()
    if due is not None and not due(previous):
        return previous, None
    return _make(previous)


def _lock_writers() -> None:
    """Serialise checkpoint writers across processes until this transaction ends, so each one
    reads the newest checkpoint as it is and signs a larger tree after it."""
    lock_for_writing(_PG_LOCK_KEY)


def _make(previous: Checkpoint | None) -> tuple[Checkpoint, merkle.Tree]:
    from supervision.backups import witness
    from supervision.core import uow

    tree = log_tree()
    if tree.size == 0:
        raise CheckpointRefused("the audit log is empty")
    behind = witness.problem()
    if behind:
        raise CheckpointRefused(behind)
    if previous is not None:
        if tree.size < previous.tree_size:
            raise CheckpointRefused(f"the log has {tree.size} events, fewer than the "
                                    f"{previous.tree_size} of checkpoint {previous.id}")
        if tree.root(previous.tree_size).hex() != previous.root_hash:
            raise CheckpointRefused(f"events 1..{previous.tree_size} differ from checkpoint {previous.id}")
        if tree.size == previous.tree_size:
            return previous, tree
    _check_events_since(previous.tree_size if previous is not None else 0)
    now = utcnow()
    if previous is not None and now <= previous.timestamp:
        now = previous.timestamp + dt.timedelta(microseconds=1)
    body = notes.CheckpointBody(origin(), tree.size, tree.root(), iso_z(now))
    key = signing_key()
    cp = Checkpoint(
        tree_size=tree.size, root_hash=body.root.hex(), origin=body.origin, timestamp=now,
        key_id=notes.key_hash(body.origin, notes.raw_public(key.public_key())).hex(),
        note=notes.sign(body, key),
        previous_size=previous.tree_size if previous else None,
        consistency_proof=json.dumps([h.hex() for h in tree.consistency_proof(previous.tree_size)])
        if previous else None,
    )
    db.session.add(cp)
    db.session.flush()
    uow.after_commit(lambda: witness.remember(cp.tree_size, cp.root_hash))
    return cp, tree


def _check_events_since(after: int) -> None:
    """Every event not yet under a checkpoint must hold (its fields against its hashed bytes,
    both chains) before its hash is signed: refuse naming the first that does not."""
    result = verify.verify_since(after)
    if not result.ok:
        raise CheckpointRefused(f"event {result.first_bad}: {result.problem}")


def as_json(cp: Checkpoint) -> dict:
    return {
        "tree_size": cp.tree_size, "root_hash": cp.root_hash,
        "root_base64": base64.b64encode(bytes.fromhex(cp.root_hash)).decode(),
        "origin": cp.origin, "timestamp": iso_z(cp.timestamp), "key_id": cp.key_id,
        "note": cp.note, "previous_size": cp.previous_size,
        "consistency_proof": json.loads(cp.consistency_proof) if cp.consistency_proof else None,
    }
