"""Signed checkpoints of the audit log (tree size, root, origin, time) and their proofs."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from supervision.core.timeutil import utcnow
from supervision.extensions import db


class Checkpoint(db.Model):
    """One signed tree head.  Rows are only ever added, with growing size and time."""

    __tablename__ = "checkpoints"
    __table_args__ = (
        CheckConstraint("tree_size > 0", name="tree_size"),
        CheckConstraint("previous_size IS NULL OR previous_size < tree_size", name="grows"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), unique=True)
    root_hash: Mapped[str] = mapped_column(String(64))           # hex
    origin: Mapped[str] = mapped_column(String(200))
    timestamp: Mapped[dt.datetime]                                # naive UTC, in the signed body
    key_id: Mapped[str] = mapped_column(String(8))                # hex of the note key hash
    note: Mapped[str] = mapped_column(Text)                       # the signed note, verbatim
    # RFC 6962 consistency proof from the previous checkpoint (hex list as JSON).
    previous_size: Mapped[int | None] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"))
    consistency_proof: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
