"""Making and reading checkpoints: the signed (size, root) of the whole audit log.

A checkpoint is made periodically (``flask audit checkpoint``) and at each export.  It never
goes backwards: the new tree must contain the previous checkpoint's tree unchanged (its root is
recomputed from today's events), so a log rewritten after a checkpoint is refused, not signed.
The signing key is used for nothing else.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding, NoEncryption, PrivateFormat, load_pem_private_key,
)
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from supervision.audit.models import AuditEvent
from supervision.core.timeutil import iso_z, utcnow
from supervision.dossiers import merkle, notes
from supervision.dossiers.models import Checkpoint
from supervision.extensions import db

_PG_LOCK_KEY = 0x434B5054  # "CKPT": serialises checkpoint writers on PostgreSQL
_local_lock = threading.Lock()  # and within one process (SQLite)


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
    leaves = []
    with db.session.execute(stmt.execution_options(yield_per=batch)) as rows:  # closes the cursor
        for seq, canonical in rows:
            if seq != len(leaves) + 1:  # leaf i is event i + 1: a gap means a deleted event
                raise CheckpointRefused(f"event {len(leaves) + 1} is missing from the log")
            leaves.append(merkle.leaf_hash(canonical.encode("utf-8")))
    return leaves


def log_tree(size: int | None = None) -> merkle.Tree:
    return merkle.Tree(leaf_hashes(size))


def latest() -> Checkpoint | None:
    return db.session.execute(
        db.select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1)).scalar()


def make_checkpoint(tree: merkle.Tree | None = None) -> tuple[Checkpoint, merkle.Tree]:
    """Sign the current log (or return the newest checkpoint if the log has not grown)."""
    with _local_lock:
        try:
            return _make(tree)
        except IntegrityError:  # another process signed the same size at the same moment
            db.session.rollback()
            cp = latest()
            return cp, log_tree(cp.tree_size)
        except BaseException:
            db.session.rollback()
            raise


def _make(tree: merkle.Tree | None) -> tuple[Checkpoint, merkle.Tree]:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    previous = latest()
    tree = tree or log_tree()
    if tree.size == 0:
        raise CheckpointRefused("the audit log is empty")
    if previous is not None:
        if tree.size < previous.tree_size:
            raise CheckpointRefused(f"the log has {tree.size} events, fewer than the "
                                    f"{previous.tree_size} of checkpoint {previous.id}")
        if tree.root(previous.tree_size).hex() != previous.root_hash:
            raise CheckpointRefused(f"events 1..{previous.tree_size} differ from checkpoint {previous.id}")
        if tree.size == previous.tree_size:
            db.session.commit()
            return previous, tree
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
    db.session.commit()
    return cp, tree


def as_json(cp: Checkpoint) -> dict:
    return {
        "tree_size": cp.tree_size, "root_hash": cp.root_hash,
        "root_base64": base64.b64encode(bytes.fromhex(cp.root_hash)).decode(),
        "origin": cp.origin, "timestamp": iso_z(cp.timestamp), "key_id": cp.key_id,
        "note": cp.note, "previous_size": cp.previous_size,
        "consistency_proof": json.loads(cp.consistency_proof) if cp.consistency_proof else None,
    }
