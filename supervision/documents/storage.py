"""The content-addressed file store: ``<store>/<ab>/<cd>/<sha256>``, outside the web root.

Writes are atomic (a temporary file renamed into place) and leave nothing behind when they fail;
a file written for work that then rolls back is removed again.  Reads for a download re-hash the
bytes (``read_verified``), and ``check`` re-hashes the whole store (fixity)."""
from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def root() -> Path:
    path = Path(current_app.config["DOCUMENT_STORE"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return root() / sha256[:2] / sha256[2:4] / sha256


class StoreFull(OSError):
    """The store's disk (or quota) is full: nothing was written."""


class Damaged(Exception):
    """The stored bytes no longer hash to the recorded SHA-256."""

    def __init__(self, sha256: str, found: str):
        super().__init__(f"stored file {sha256} now hashes to {found}")
        self.sha256, self.found = sha256, found


def put(data: bytes) -> str:
    """Store ``data`` once (atomically) and return its SHA-256.  A file this call created is
    removed again if the unit of work rolls back."""
    from supervision.core import uow

    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException as err:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StoreFull(err.errno, "the document store is full") from err
            raise
        uow.after_rollback(lambda: discard(digest))
    return digest


def discard(sha256: str) -> None:
    """Remove a stored file that no row refers to (the work that wrote it rolled back)."""
    from supervision.documents.models import Document

    from supervision.extensions import db

    if db.session.execute(db.select(Document.id).filter_by(sha256=sha256).limit(1)).first() is None:
        try:
            path_for(sha256).unlink()
        except FileNotFoundError:
            pass


def read(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()


def read_verified(sha256: str) -> bytes:
    """The stored bytes, refused (``Damaged``) when they no longer match their hash."""
    data = read(sha256)
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise Damaged(sha256, found)
    return data


def check(digests) -> tuple[list[str], list[str]]:
    """Fixity: re-hash each stored file of ``digests``; returns (changed, missing)."""
    changed, missing = [], []
    for digest in digests:
        path = path_for(digest)
        if not path.exists():
            missing.append(digest)
            continue
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != digest:
            changed.append(digest)
    return changed, missing
